import NIOCore

/// WhatsApp Cloud API and Messenger Page webhooks (CHANNELS.md §3.1, §4.1): JSON signed with
/// `X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(App Secret, body)>`.
enum MetaRequests {
    static let signatureHeader = "X-Hub-Signature-256"

    /// The connection is one WhatsApp user (`wa_id`) writing to the business number `phoneNumberID`.
    static func whatsapp(
        _ connection: WebhookConnection, appSecret: String, phoneNumberID: String
    ) -> JSONWebhookRequests<WhatsAppMessageBody> {
        JSONWebhookRequests(
            head: head(connection), authentication: .hexHMAC(WebhookSigner(secret: appSecret)),
            body: WhatsAppMessageBody(connection, phoneNumberID: phoneNumberID)
        )
    }

    /// The connection is one person (PSID) writing to the Page `pageID`.
    static func messenger(_ connection: WebhookConnection, appSecret: String, pageID: String) -> JSONWebhookRequests<MessengerMessageBody> {
        JSONWebhookRequests(
            head: head(connection), authentication: .hexHMAC(WebhookSigner(secret: appSecret)),
            body: MessengerMessageBody(connection, pageID: pageID)
        )
    }

    private static func head(_ connection: WebhookConnection) -> WebhookHead {
        WebhookHead(
            channelID: connection.channelID, host: connection.host, contentType: "application/json",
            signatureHeader: signatureHeader, signaturePrefix: "sha256="
        )
    }
}

/// The Cloud API's text-message notification, shaped like Meta's published sample (§3.1), with a
/// fresh `wamid` (the dedupe key, §3.2) per message.
struct WhatsAppMessageBody: WebhookBody {
    private let prefix: [UInt8]
    private let afterID: [UInt8]
    private let suffix = Array(#""}}]},"field":"messages"}]}]}"#.utf8)

    /// `phoneNumberID` must be digits (checked with the options), so nothing here needs escaping.
    init(_ connection: WebhookConnection, phoneNumberID: String) {
        // An E.164-length number of 15 digits; never the business's display number, which would make
        // it an echo the server skips.
        let waID = "1" + connection.run.senderDigits(connection: connection.index, width: 14)
        prefix = Array(
            (#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"#
                + #""messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"\#(phoneNumberID)"},"#
                + #""contacts":[{"profile":{"name":"Bench \#(connection.index)"},"wa_id":"\#(waID)"}],"#
                + #""messages":[{"from":"\#(waID)","id":"wamid.HBgLbench"#).utf8
        )
        afterID = Array(#"","timestamp":"\#(connection.unixTime)","type":"text","text":{"body":"bench message "#.utf8)
    }

    func write(seq: UInt64, messageID: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeBytes(prefix)
        buffer.writeHex(messageID, digits: 16)
        buffer.writeBytes(afterID)
        buffer.writeDecimal(seq)
        buffer.writeBytes(suffix)
    }
}

/// A Page webhook with one `messages` event (§4.1), with a fresh `mid` (the dedupe key, §4.2) per
/// message.
struct MessengerMessageBody: WebhookBody {
    private let prefix: [UInt8]
    private let afterID = Array(#"","text":"bench message "#.utf8)
    private let suffix = Array(#""}}]}]}"#.utf8)

    /// `pageID` must be digits (checked with the options), so nothing here needs escaping.
    init(_ connection: WebhookConnection, pageID: String) {
        // PSIDs are 16 digits.
        let psid = "7" + connection.run.senderDigits(connection: connection.index, width: 15)
        let millis = connection.unixTime * 1000
        prefix = Array(
            (#"{"object":"page","entry":[{"id":"\#(pageID)","time":\#(millis),"messaging":[{"#
                + #""sender":{"id":"\#(psid)"},"recipient":{"id":"\#(pageID)"},"timestamp":\#(millis),"message":{"mid":"m_bench"#).utf8
        )
    }

    func write(seq: UInt64, messageID: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeBytes(prefix)
        buffer.writeHex(messageID, digits: 16)
        buffer.writeBytes(afterID)
        buffer.writeDecimal(seq)
        buffer.writeBytes(suffix)
    }
}
