import Foundation
import MetaSigning
import ParleyCore

/// A Facebook Page through the Messenger Platform (CHANNELS.md §4): the `hub.challenge`
/// handshake, webhooks signed with `X-Hub-Signature-256` carrying batches of messaging events,
/// replies through the Send API, and attachment URLs downloaded on receipt.
///
/// Choices worth knowing (see `MessengerInbound` for the decoding ones):
/// - Inside the standard 24 h window a reply goes with `messaging_type: RESPONSE`, split at
///   the policy's 2,000 characters. After it, with `humanAgentTag=true`, it goes with
///   `messaging_type: MESSAGE_TAG` and `tag: HUMAN_AGENT` until `humanAgentWindow` (default
///   7 days) after the customer's last message; both the 7 days and the permission the tag
///   needs are UNVERIFIED (§4.4), hence the settings. Otherwise the send fails with the reason.
///   Graph's own "outside of allowed window" answer (code 10, subcode 2018278) switches a
///   RESPONSE to the tag when that is allowed, and otherwise fails with the same reason.
/// - The Send API is called as `POST {apiBaseURL}/{graphVersion}/me/messages` with the Page
///   token as `Authorization: Bearer …` rather than `?access_token=`, so it is never in a URL.
/// - The platform id of a reply is the `message_id` of its last piece, which receipts name.
/// - 429, the Graph throttling codes (4, 17, 32, 613) and 5xx are retried, honouring
///   `Retry-After`; anything else fails with Graph's own message; the token is never in a reason.
/// - The webhook answers `EVENT_RECEIVED` once every event is committed.
public struct MessengerConnector: MetaWebhookConnector {
    public let channel: Channel
    let configuration: MessengerConfiguration
    public let guardian: MetaWebhookGuard
    let graph: GraphClient
    let now: @Sendable () -> Date
    let deliveredPieces = DeliveredPieces()

    public init(
        channel: Channel, credentials: [String: String], requestTimeout: TimeInterval = 15,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws(MetaConfigurationError) {
        self.channel = channel
        let configuration = try MessengerConfiguration(channel: channel, credentials: credentials)
        self.configuration = configuration
        guardian = MetaWebhookGuard(appSecret: configuration.appSecret, verifyToken: configuration.verifyToken, platform: MessengerConfiguration.platform)
        graph = GraphClient(
            apiBaseURL: configuration.apiBaseURL, graphVersion: configuration.graphVersion, accessToken: configuration.pageAccessToken,
            platform: MessengerConfiguration.platform, timeout: requestTimeout
        )
        self.now = now
    }

    public func decode(_ request: WebhookRequest) throws(ConnectorError) -> [InboundEvent] {
        try MessengerInbound.events(from: request.body, pageID: configuration.pageID, now: now())
    }
}
