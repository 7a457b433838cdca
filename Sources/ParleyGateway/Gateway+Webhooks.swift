import ParleyCore
import ParleyStore

/// Outgoing webhook subscriptions through the API: admins only, since a subscription receives
/// every conversation of every channel. Each change wakes the relay (and, when a subscription
/// comes back on, the deliverer) so it applies at once.
extension Gateway {
    public func webhooks(for agent: Agent) async throws(GatewayError) -> [WebhookSubscription] {
        try Self.requireAdmin(agent)
        return try await webhookAdministration.list()
    }

    public func webhook(_ id: WebhookID, for agent: Agent) async throws(GatewayError) -> WebhookSubscription {
        try Self.requireAdmin(agent)
        return try await webhookAdministration.subscription(id)
    }

    /// The subscription and its secret, which no later read shows again.
    public func createWebhook(
        url: String?, eventTypes: [String]?, includeNotes: Bool, by agent: Agent
    ) async throws(GatewayError) -> WebhookAdministration.WithSecret {
        try Self.requireAdmin(agent)
        let created = try await webhookAdministration.create(url: url, eventTypes: eventTypes, includeNotes: includeNotes)
        webhookRelay.wake()
        return created
    }

    public func updateWebhook(
        _ id: WebhookID, url: String?, eventTypes: [String]?, includeNotes: Bool?, active: Bool?, by agent: Agent
    ) async throws(GatewayError) -> WebhookSubscription {
        try Self.requireAdmin(agent)
        guard url != nil || eventTypes != nil || includeNotes != nil || active != nil else {
            throw GatewayError.invalid(field: "body", reason: "give at least one of url, events, includeNotes, active")
        }
        let updated = try await webhookAdministration.update(id, url: url, eventTypes: eventTypes, includeNotes: includeNotes, active: active)
        webhookRelay.wake()
        if active == true { webhookDeliverer.wake() }
        return updated
    }

    public func deleteWebhook(_ id: WebhookID, by agent: Agent) async throws(GatewayError) {
        try Self.requireAdmin(agent)
        try await webhookAdministration.delete(id)
        webhookRelay.wake()
    }

    public func rotateWebhookSecret(_ id: WebhookID, by agent: Agent) async throws(GatewayError) -> WebhookAdministration.WithSecret {
        try Self.requireAdmin(agent)
        return try await webhookAdministration.rotateSecret(id)
    }

    public func webhookDeliveries(_ id: WebhookID, limit: Int, for agent: Agent) async throws(GatewayError) -> [WebhookDelivery] {
        try Self.requireAdmin(agent)
        return try await webhookAdministration.deliveries(id, limit: limit)
    }

    public func webhookStatus(_ subscription: WebhookSubscription) -> WebhookStatus {
        webhookAdministration.status(of: subscription)
    }

    private static func requireAdmin(_ agent: Agent) throws(GatewayError) {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins manage webhooks") }
    }
}
