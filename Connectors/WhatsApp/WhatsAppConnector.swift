import Foundation
import MetaSigning
import ParleyCore

/// A WhatsApp Business number through Meta's Cloud API (CHANNELS.md §3): the `hub.challenge`
/// handshake, webhooks signed with `X-Hub-Signature-256` carrying batches of messages and
/// delivery statuses, replies through `POST /{version}/{phoneNumberId}/messages`, and inbound
/// media fetched on receipt through the media-id lookup.
///
/// Choices worth knowing (see `WhatsAppInbound` for the decoding ones):
/// - Inside the 24 h customer-service window (`lastCustomerMessageAt` + the channel policy's
///   `replyWindow`) a reply is sent as text, split at the policy's 4,096 characters. Outside it,
///   the configured `templateName` carries the reply as its one body parameter; without one the
///   send fails with a reason the agent can act on. If WhatsApp itself answers 131047 ("more
///   than 24 h", our clock and Meta's disagree), the template is tried the same way.
/// - The platform id of a reply is the `wamid` of its last piece, which `statuses` name.
/// - Error codes are UNVERIFIED (CHANNELS.md §3.3): 429 and the throttling codes (4, 17, 32,
///   613, 80007, 130429, 131056) and 5xx are retried, honouring `Retry-After`; 131047 is the
///   window; anything else fails with Graph's own message. The token is never in a reason.
/// - Media hosts (`mediaDomains`, default `fbsbx.com,whatsapp.net`) are UNVERIFIED; a media URL
///   must be on one of them, or on the `apiBaseURL` host, before the token is sent to it.
/// - The webhook answers `EVENT_RECEIVED` once every event is committed.
public struct WhatsAppConnector: MetaWebhookConnector {
    public let channel: Channel
    let configuration: WhatsAppConfiguration
    public let guardian: MetaWebhookGuard
    let graph: GraphClient
    let now: @Sendable () -> Date
    let deliveredPieces = DeliveredPieces()

    public init(
        channel: Channel, credentials: [String: String], requestTimeout: TimeInterval = 15,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws(MetaConfigurationError) {
        self.channel = channel
        let configuration = try WhatsAppConfiguration(channel: channel, credentials: credentials)
        self.configuration = configuration
        guardian = MetaWebhookGuard(appSecret: configuration.appSecret, verifyToken: configuration.verifyToken, platform: WhatsAppConfiguration.platform)
        graph = GraphClient(
            apiBaseURL: configuration.apiBaseURL, graphVersion: configuration.graphVersion, accessToken: configuration.accessToken,
            platform: WhatsAppConfiguration.platform, timeout: requestTimeout
        )
        self.now = now
    }

    public func decode(_ request: WebhookRequest) throws(ConnectorError) -> [InboundEvent] {
        try WhatsAppInbound.events(from: request.body, phoneNumberID: configuration.phoneNumberID, now: now())
    }
}
