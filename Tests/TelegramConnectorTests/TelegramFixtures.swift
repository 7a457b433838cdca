import Foundation
import ParleyCore
@testable import TelegramConnector

/// A bot's credentials and webhook requests shaped the way Telegram's Bot API server posts
/// them (CHANNELS.md §2.1; field names from python-telegram-bot).
enum TelegramFixtures {
    static let botToken = "123456789:AAFakeTokenForTests_abcdefghijklmnop"
    static let secretToken = "s3cr3t_Webhook-token"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func connector(
        settings: [String: String] = [:], credentials: [String: String]? = nil, requestTimeout: TimeInterval = 15
    ) throws -> TelegramConnector {
        let channel = Channel(id: ChannelID("ch_telegram"), kind: .telegram, name: "Support bot", settings: settings)
        return try TelegramConnector(
            channel: channel, credentials: credentials ?? ["botToken": botToken, "secretToken": secretToken],
            requestTimeout: requestTimeout, now: { now }
        )
    }

    static func request(
        _ json: String, secret: String? = secretToken, contentType: String? = "application/json"
    ) -> WebhookRequest {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        if let secret { headers.append(("X-Telegram-Bot-Api-Secret-Token", secret)) }
        return WebhookRequest(
            method: .post, path: "/hooks/ch_telegram", headers: headers, body: Array(json.utf8), publicBaseURL: "https://parley.example"
        )
    }

    static let ann = #""from":{"id":123456789,"is_bot":false,"first_name":"Ann","last_name":"Lee","username":"annlee","language_code":"en"}"#
    static let privateChat = #""chat":{"id":123456789,"first_name":"Ann","last_name":"Lee","username":"annlee","type":"private"}"#

    /// An update carrying a private message from Ann with the given extra fields.
    static func message(_ fields: String, updateID: Int64 = 10001, kind: String = "message") -> String {
        #"{"update_id":\#(updateID),"\#(kind)":{"message_id":42,"date":1700000000,\#(privateChat),\#(ann),\#(fields)}}"#
    }
}
