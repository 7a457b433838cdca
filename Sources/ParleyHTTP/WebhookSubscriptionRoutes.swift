import Hummingbird
import ParleyCore
import ParleyGateway
import ParleyStore

/// Outgoing webhook subscriptions under `/api/v1/webhooks`, admins only (docs/openapi.yaml).
/// Not to be confused with `WebhookRoutes`, the door platforms post to.
struct WebhookSubscriptionRoutes {
    let gateway: Gateway

    /// Fields are optional so a missing one is refused by name (`url: is required`), not as a
    /// decoding error about the body.
    private struct WebhookBody: Decodable {
        var url: String?
        var events: [String]?
        var includeNotes: Bool?
        var active: Bool?
    }

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1").add(middleware: AgentAuthenticator(gateway: gateway))
        api.get("webhooks") { _, context in
            let list = try await gateway.webhooks(for: try context.requireAgent())
            return try JSONCoding.response(WebhookList(webhooks: list.map(view)))
        }
        api.post("webhooks") { request, context in
            let body = try await JSONCoding.decodeBody(WebhookBody.self, from: request)
            let created = try await gateway.createWebhook(
                url: body.url, eventTypes: body.events, includeNotes: body.includeNotes ?? false, by: try context.requireAgent()
            )
            return try JSONCoding.response(WebhookWithSecretView(webhook: view(created.subscription), secret: created.secret), status: .created)
        }
        api.get("webhooks/{id}") { _, context in
            try JSONCoding.response(view(try await gateway.webhook(try Self.id(context), for: try context.requireAgent())))
        }
        api.patch("webhooks/{id}") { request, context in
            let body = try await JSONCoding.decodeBody(WebhookBody.self, from: request)
            let updated = try await gateway.updateWebhook(
                try Self.id(context), url: body.url, eventTypes: body.events, includeNotes: body.includeNotes, active: body.active,
                by: try context.requireAgent()
            )
            return try JSONCoding.response(view(updated))
        }
        api.delete("webhooks/{id}") { _, context in
            try await gateway.deleteWebhook(try Self.id(context), by: try context.requireAgent())
            return Response(status: .noContent)
        }
        api.post("webhooks/{id}/rotate-secret") { _, context in
            let rotated = try await gateway.rotateWebhookSecret(try Self.id(context), by: try context.requireAgent())
            return try JSONCoding.response(WebhookWithSecretView(webhook: view(rotated.subscription), secret: rotated.secret))
        }
        api.get("webhooks/{id}/deliveries") { request, context in
            var limit = 50
            if let text = request.uri.queryParameters["limit"] {
                guard let value = Int(String(text)), (1...500).contains(value) else {
                    throw GatewayError.invalid(field: "limit", reason: "must be a whole number from 1 to 500")
                }
                limit = value
            }
            let log = try await gateway.webhookDeliveries(try Self.id(context), limit: limit, for: try context.requireAgent())
            return try JSONCoding.response(WebhookDeliveryList(deliveries: log.map(WebhookDeliveryView.init)))
        }
    }

    private func view(_ subscription: WebhookSubscription) -> WebhookView {
        WebhookView(subscription, status: gateway.webhookStatus(subscription))
    }

    private static func id(_ context: AppRequestContext) throws -> WebhookID {
        let text = try context.parameters.require("id")
        guard let value = Int64(text) else { throw GatewayError.notFound("webhook \(text) not found") }
        return WebhookID(value)
    }
}
