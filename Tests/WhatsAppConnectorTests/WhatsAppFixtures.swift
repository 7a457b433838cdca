import Foundation
import MetaSigning
import ParleyCore
@testable import WhatsAppConnector

/// Credentials, webhook bodies shaped like Meta's official samples (CHANNELS.md §3.1), and
/// requests signed the way Meta signs them.
enum WhatsAppFixtures {
    static let appSecret = "meta-app-secret"
    static let verifyToken = "parley-verify-4f2a"
    static let accessToken = "EAAGfakeWhatsAppAccessToken123"
    static let phoneNumberID = "106540352242922"
    static let displayNumber = "15550783881"
    static let customer = "16505551234"
    static let now = Date(timeIntervalSince1970: 1_749_420_000)

    static var credentials: [String: String] {
        ["phoneNumberId": phoneNumberID, "accessToken": accessToken, "appSecret": appSecret, "verifyToken": verifyToken]
    }

    static func connector(settings: [String: String] = [:], now: Date = now) throws -> WhatsAppConnector {
        let channel = Channel(id: ChannelID("ch_whatsapp"), kind: .whatsapp, name: "WhatsApp", settings: settings)
        return try WhatsAppConnector(channel: channel, credentials: credentials, now: { now })
    }

    /// A POST as Meta sends it: `body` exactly as given, signed with the app secret.
    static func request(_ body: String, signature: String? = nil, contentType: String = "application/json") -> WebhookRequest {
        let bytes = Array(body.utf8)
        var headers: [(name: String, value: String)] = [("Content-Type", contentType)]
        if signature != "" { headers.append(("X-Hub-Signature-256", signature ?? MetaSignature.sign(bytes, appSecret: appSecret))) }
        return WebhookRequest(method: .post, path: "/hooks/ch_whatsapp", headers: headers, body: bytes, publicBaseURL: "https://parley.example")
    }

    static func verification(mode: String = "subscribe", token: String = verifyToken, challenge: String = "1158201444") -> WebhookRequest {
        WebhookRequest(
            method: .get, path: "/hooks/ch_whatsapp",
            query: [("hub.mode", mode), ("hub.challenge", challenge), ("hub.verify_token", token)], publicBaseURL: "https://parley.example"
        )
    }

    /// `{"object":"whatsapp_business_account","entry":[…]}`.
    static func webhook(_ entries: [String]) -> String {
        #"{"object":"whatsapp_business_account","entry":[\#(entries.joined(separator: ","))]}"#
    }

    /// One entry with one `messages` change carrying `messages` and `statuses`.
    static func entry(
        messages: [String] = [], statuses: [String] = [], phoneNumberID: String = phoneNumberID, name: String = "Sheena Nelson",
        from: String = customer
    ) -> String {
        let messageList = messages.isEmpty ? "" : #","contacts":[{"profile":{"name":"\#(name)"},"wa_id":"\#(from)"}],"messages":[\#(messages.joined(separator: ","))]"#
        let statusList = statuses.isEmpty ? "" : #","statuses":[\#(statuses.joined(separator: ","))]"#
        return #"{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"\#(displayNumber)","phone_number_id":"\#(phoneNumberID)"}\#(messageList)\#(statusList)},"field":"messages"}]}"#
    }

    /// A message of `type` with its object, e.g. `message("image", #"{"id":"1"}"#)`.
    static func message(_ type: String, _ object: String? = nil, id: String, from: String = customer, timestamp: String = "1749416383") -> String {
        let payload = object.map { #","\#(type)":\#($0)"# } ?? ""
        return #"{"from":"\#(from)","id":"\#(id)","timestamp":"\#(timestamp)","type":"\#(type)"\#(payload)}"#
    }

    static func text(_ body: String, id: String, from: String = customer) -> String {
        message("text", #"{"body":"\#(body)"}"#, id: id, from: from)
    }

    static func status(_ id: String, _ status: String, timestamp: String = "1749416500", errors: String? = nil) -> String {
        let failure = errors.map { #","errors":\#($0)"# } ?? ""
        return #"{"id":"\#(id)","status":"\#(status)","timestamp":"\#(timestamp)","recipient_id":"\#(customer)"\#(failure)}"#
    }

    /// The official text sample, byte for byte (CHANNELS.md §3.1).
    static let officialTextSample =
        #"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Does it come in another color?"}}]},"field":"messages"}]}]}"#

    static func delivery(_ content: MessageContent, id: Int64 = 42, lastCustomerMessageAt: Date? = now.addingTimeInterval(-3600), attempt: Int = 1) -> OutboundDelivery {
        OutboundDelivery(
            messageID: MessageID(id), conversationID: ConversationID(1), recipient: customer, content: content, attempt: attempt,
            lastCustomerMessageAt: lastCustomerMessageAt
        )
    }
}
