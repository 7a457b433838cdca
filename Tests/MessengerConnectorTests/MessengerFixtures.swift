import Foundation
import MetaSigning
import ParleyCore
import ParleyHTTP
import ParleyTesting
@testable import MessengerConnector

/// Credentials, Page webhook bodies shaped like Meta's `messages` reference samples
/// (CHANNELS.md §4.1), and requests signed the way Meta signs them.
enum MessengerFixtures {
    static let appSecret = "meta-app-secret"
    static let verifyToken = "parley-verify-page"
    static let pageAccessToken = "EAAGfakePageAccessToken456"
    static let pageID = "682498302938465"
    static let psid = "6944526412303456"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static var credentials: [String: String] {
        ["pageId": pageID, "pageAccessToken": pageAccessToken, "appSecret": appSecret, "verifyToken": verifyToken]
    }

    static func connector(settings: [String: String] = [:], now: Date = now) throws -> MessengerConnector {
        let channel = Channel(id: ChannelID("ch_messenger"), kind: .messenger, name: "Facebook Page", settings: settings)
        return try MessengerConnector(channel: channel, credentials: credentials, now: { now })
    }

    static func connector(_ api: FakeMetaGraphAPI, settings: [String: String] = [:], now: Date = now) throws -> MessengerConnector {
        try connector(settings: settings.merging(["apiBaseURL": api.baseURL]) { $1 }, now: now)
    }

    static func request(_ body: String, signature: String? = nil, contentType: String = "application/json") -> WebhookRequest {
        let bytes = Array(body.utf8)
        var headers: [(name: String, value: String)] = [("Content-Type", contentType)]
        if signature != "" { headers.append(("X-Hub-Signature-256", signature ?? MetaSignature.sign(bytes, appSecret: appSecret))) }
        return WebhookRequest(method: .post, path: "/hooks/ch_messenger", headers: headers, body: bytes, publicBaseURL: "https://parley.example")
    }

    static func webhook(_ entries: [String]) -> String {
        #"{"object":"page","entry":[\#(entries.joined(separator: ","))]}"#
    }

    static func entry(_ events: [String], page: String = pageID) -> String {
        #"{"id":"\#(page)","time":1518479195594,"messaging":[\#(events.joined(separator: ","))]}"#
    }

    /// A messaging event from the customer with `field: value`.
    static func event(_ field: String, _ value: String, from sender: String = psid, timestamp: Int64 = 1_518_479_195_308) -> String {
        #"{"sender":{"id":"\#(sender)"},"recipient":{"id":"\#(pageID)"},"timestamp":\#(timestamp),"\#(field)":\#(value)}"#
    }

    static func text(_ text: String, mid: String, from sender: String = psid) -> String {
        event("message", #"{"mid":"\#(mid)","text":"\#(text)"}"#, from: sender)
    }

    static func delivery(_ content: MessageContent, id: Int64 = 7, lastCustomerMessageAt: Date? = now.addingTimeInterval(-600), attempt: Int = 1) -> OutboundDelivery {
        OutboundDelivery(
            messageID: MessageID(id), conversationID: ConversationID(1), recipient: psid, content: content, attempt: attempt,
            lastCustomerMessageAt: lastCustomerMessageAt
        )
    }

    static func texts(_ sent: [FakeMetaGraphAPI.Sent]) -> [String] {
        sent.compactMap { message in
            guard case .object(let fields) = message.json, case .object(let body)? = fields["message"], case .string(let text)? = body["text"] else { return nil }
            return text
        }
    }
}

/// A fake Graph API and a real HTTP client to reach it, torn down after the test body.
func withPageAPI(_ body: (FakeMetaGraphAPI, any HTTPTransport) async throws -> Void) async throws {
    try await withPlatform(
        try await FakeMetaGraphAPI(pageAccessToken: MessengerFixtures.pageAccessToken, pageID: MessengerFixtures.pageID), body
    )
}
