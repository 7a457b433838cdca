import Foundation
import ParleyCore

/// A LINE Official Account through the Messaging API (CHANNELS.md §5): signed JSON webhooks
/// carrying many events each, replies by push with a retry key so a retried send is delivered
/// once, and content downloads from the data API.
///
/// Webhooks are answered `{}` once committed. The reply-token path (`reply(token:_:transport:)`)
/// exists but the gateway cannot use it yet: an `OutboundDelivery` carries no reply token.
public struct LineConnector: ChannelConnector {
    public let channel: Channel
    let configuration: LineConfiguration
    let now: @Sendable () -> Date

    public init(
        channel: Channel, credentials: [String: String], now: @escaping @Sendable () -> Date = Date.init
    ) throws(LineConfiguration.ConfigurationError) {
        self.channel = channel
        configuration = try LineConfiguration(channel: channel, credentials: credentials)
        self.now = now
    }

    /// LINE has no GET handshake: the console's "Verify" is a signed POST with no events.
    public func verify(_ request: WebhookRequest) throws(ConnectorError) -> WebhookResponse {
        throw .unsupportedRequest("LINE sends no GET handshake; webhooks are signed POSTs")
    }

    /// Checks `x-line-signature` over the raw body before anything is parsed, so a forgery is a
    /// 401 whatever its body holds.
    public func authenticate(_ request: WebhookRequest) throws(ConnectorError) {
        guard let claimed = request.header("x-line-signature") else {
            throw .unauthorized("the webhook has no x-line-signature header")
        }
        guard LineSignature.matches(claimed, body: request.body, secret: configuration.channelSecret) else {
            throw .unauthorized("x-line-signature does not match the body and the channel secret")
        }
    }

    public func decode(_ request: WebhookRequest) throws(ConnectorError) -> [InboundEvent] {
        try LineEvents.decode(request.body)
    }

    /// LINE only needs a 2xx; an empty JSON object is what its SDK samples return.
    public func acknowledge(_ request: WebhookRequest, receipts: [IngestReceipt]) -> WebhookResponse {
        .json(Array("{}".utf8))
    }

    /// `text` with the access token blotted out: reasons reach agents and logs, the token never does.
    func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: configuration.channelAccessToken, with: "[channel access token]")
    }
}
