/// The event types a webhook can subscribe to. Each is one `DomainEvent` read back from the
/// durable tables (see `WebhookRelay`), so only events those tables record are offered:
/// `message.updated` (delivery receipts) lives only on the agent stream for now.
public enum WebhookEventTypes {
    /// Every offered type, in the order the documentation lists them.
    public static let offered = ["message.created", "conversation.created", "conversation.updated"]
    /// Subscribes to every offered type, including ones added later.
    public static let all = "*"
}
