import Foundation
import ParleyCore
@testable import LineConnector

/// Credentials, webhook bodies shaped like line-bot-sdk's fixtures (CHANNELS.md §5.1), and
/// requests signed the way LINE signs them.
enum LineFixtures {
    static let channelSecret = "channel_secret"
    static let accessToken = "line-channel-access-token"
    static let userID = "U206d25c2ea6bd87c17655609a1c37cb8"
    static let destination = "U0123456789abcdef0123456789abcdef"

    static func connector(
        settings: [String: String] = [:], now: @escaping @Sendable () -> Date = Date.init
    ) throws -> LineConnector {
        let channel = Channel(id: ChannelID("ch_line"), kind: .line, name: "LINE OA", settings: settings)
        return try LineConnector(
            channel: channel, credentials: ["channelSecret": channelSecret, "channelAccessToken": accessToken], now: now
        )
    }

    /// A POST as LINE sends it: `body` exactly as given, signed with the channel secret.
    static func request(_ body: String, signature: String? = nil) -> WebhookRequest {
        let bytes = Array(body.utf8)
        return WebhookRequest(
            method: .post, path: "/hooks/ch_line",
            headers: [
                ("Content-Type", "application/json; charset=utf-8"),
                ("x-line-signature", signature ?? LineSignature.sign(bytes, secret: channelSecret)),
            ],
            body: bytes, publicBaseURL: "https://parley.example"
        )
    }

    static func webhook(_ events: [String]) -> String {
        #"{"destination":"\#(destination)","events":[\#(events.joined(separator: ","))]}"#
    }

    static func source(_ user: String = userID) -> String { #"{"type":"user","userId":"\#(user)"}"# }

    /// A message event around `message` (JSON), as in the SDK's `webhook.json`.
    static func messageEvent(
        _ message: String, eventID: String = "01HQX7W5XKQ0B5Y3M3T5C6J9ZA", source: String = source(),
        timestamp: Int64 = 1_462_629_479_859, redelivery: Bool = false, replyToken: String = "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"
    ) -> String {
        #"{"replyToken":"\#(replyToken)","type":"message","mode":"active","timestamp":\#(timestamp),"source":\#(source),"#
            + #""webhookEventId":"\#(eventID)","deliveryContext":{"isRedelivery":\#(redelivery)},"message":\#(message)}"#
    }

    static func textEvent(_ text: String, id: String = "325708", eventID: String = "01HQX7W5XKQ0B5Y3M3T5C6J9ZA", user: String = userID) -> String {
        messageEvent(#"{"id":"\#(id)","type":"text","text":"\#(text)","quoteToken":"quoteToken"}"#, eventID: eventID, source: source(user))
    }

    /// A non-message event (`follow`, `postback`…) with its extra fields.
    static func event(_ type: String, fields: String = "", eventID: String, source: String = source(), timestamp: Int64 = 1_462_629_479_859) -> String {
        #"{"type":"\#(type)","mode":"active","timestamp":\#(timestamp),"source":\#(source),"webhookEventId":"\#(eventID)","#
            + #""deliveryContext":{"isRedelivery":false}\#(fields.isEmpty ? "" : "," + fields)}"#
    }
}
