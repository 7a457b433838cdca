import Foundation
import ParleyGateway
import ParleyStore

/// A webhook subscription as admins read it (docs/openapi.yaml `Webhook`): never its secret.
/// `parleyd webhook` prints the same.
public struct WebhookView: Encodable, Sendable {
    var id: Int64
    var url: String
    var events: [String]
    var includeNotes: Bool
    var active: Bool
    /// active, failing or disabled.
    var status: String
    var consecutiveFailures: Int
    var lastStatus: Int?
    var lastError: String?
    var lastAttemptAt: Date?
    var lastDeliveredAt: Date?
    var pendingDeliveries: Int
    var createdAt: Date
    var updatedAt: Date

    public init(_ subscription: WebhookSubscription, status: WebhookStatus) {
        id = subscription.id.rawValue
        url = subscription.url
        events = subscription.eventTypes
        includeNotes = subscription.includeNotes
        active = subscription.active
        self.status = status.rawValue
        consecutiveFailures = subscription.consecutiveFailures
        lastStatus = subscription.lastStatus
        lastError = subscription.lastError
        lastAttemptAt = subscription.lastAttemptAt
        lastDeliveredAt = subscription.lastDeliveredAt
        pendingDeliveries = subscription.pendingDeliveries
        createdAt = subscription.createdAt
        updatedAt = subscription.updatedAt
    }
}

/// What create and rotate-secret answer: the subscription and, this once, its secret.
public struct WebhookWithSecretView: Encodable, Sendable {
    var webhook: WebhookView
    var secret: String

    public init(webhook: WebhookView, secret: String) {
        self.webhook = webhook
        self.secret = secret
    }

    private enum Keys: String, CodingKey { case secret }

    public func encode(to encoder: any Encoder) throws {
        try webhook.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(secret, forKey: .secret)
    }
}

struct WebhookList: Encodable { var webhooks: [WebhookView] }

/// One entry of the delivery log (docs/openapi.yaml `WebhookDelivery`).
struct WebhookDeliveryView: Encodable {
    var id: Int64
    var event: String
    var state: String
    var attempts: Int
    var lastStatus: Int?
    var lastError: String?
    var createdAt: Date
    var lastAttemptAt: Date?
    var nextAttemptAt: Date?
    var deliveredAt: Date?

    init(_ delivery: WebhookDelivery) {
        id = delivery.id
        event = delivery.eventType
        state = delivery.state.rawValue
        attempts = delivery.attempts
        lastStatus = delivery.lastStatus
        lastError = delivery.lastError
        createdAt = delivery.createdAt
        lastAttemptAt = delivery.lastAttemptAt
        nextAttemptAt = delivery.nextAttemptAt
        deliveredAt = delivery.deliveredAt
    }
}

struct WebhookDeliveryList: Encodable { var deliveries: [WebhookDeliveryView] }
