/// What one poll of a platform brought.
public enum PollResult: Sendable, Equatable {
    /// Updates after the cursor, and the cursor that confirms them once they are stored.
    case updates([InboundEvent], next: String)
    case retryLater(reason: String)
    /// The platform refuses polling as configured (bad token, a webhook still set...).
    case failed(reason: String)
}

/// A connector whose platform can be polled for updates (Telegram `getUpdates`) by deployments
/// that have no public URL for webhooks.
public protocol PollingConnector: ChannelConnector {
    /// Whether this channel is configured to poll rather than receive webhooks.
    var pollsForUpdates: Bool { get }
    /// Fetches what came after `cursor` (nil: from the start); may wait on the platform (long
    /// polling) for up to `wait` seconds.
    func poll(after cursor: String?, wait: Int, transport: any HTTPTransport) async -> PollResult
}

/// A connector that tells its platform where to deliver webhooks (Telegram `setWebhook`).
public protocol WebhookRegisteringConnector: ChannelConnector {
    /// Registers `url` (the public URL + the channel's webhook path) with the platform; returns
    /// the platform's answer for the operator, or throws with its reason.
    func registerWebhook(url: String, transport: any HTTPTransport) async throws(ConnectorError) -> String
}
