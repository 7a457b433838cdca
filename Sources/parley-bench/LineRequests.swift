import NIOCore

/// LINE Messaging API webhooks (CHANNELS.md §5.1): JSON signed with
/// `x-line-signature: Base64(HMAC-SHA256(channel secret, body))`.
enum LineRequests {
    static let signatureHeader = "x-line-signature"

    /// The connection is one LINE user writing to the official account one-to-one.
    static func template(_ connection: WebhookConnection, channelSecret: String) -> JSONWebhookRequests<LineMessageEventBody> {
        JSONWebhookRequests(
            head: WebhookHead(
                channelID: connection.channelID, host: connection.host, contentType: "application/json; charset=utf-8",
                signatureHeader: signatureHeader
            ),
            authentication: .base64HMAC(WebhookSigner(secret: channelSecret)),
            body: LineMessageEventBody(connection)
        )
    }
}

/// `{"destination":…,"events":[<one text message event>]}` shaped like the SDK's fixture (§5.1). Per
/// message: the message id, a ULID `webhookEventId` (the dedupe key, §5.2: the connection's time, then
/// the message's `BenchMessageID`), and a reply and quote token.
struct LineMessageEventBody: WebhookBody {
    private let messagePrefix = Array(
        #"{"destination":"U0bench0f1e2d3c4b5a69788796a5b4c3","events":[{"type":"message","message":{"type":"text","id":""#.utf8
    )
    private let quoteTokenPrefix = Array(#"","quoteToken":"q"#.utf8)
    private let textPrefix = Array(#"","text":"bench message "#.utf8)
    /// … `"webhookEventId":"` and the ULID's 10 time digits.
    private let eventIDPrefix: [UInt8]
    /// … through the source and `"replyToken":"`.
    private let sourceAndReplyToken: [UInt8]
    /// The second half of every reply token: the sender's number in hex.
    private let replyTokenSuffix: [UInt8]
    private let suffix = Array(#"","mode":"active"}]}"#.utf8)

    init(_ connection: WebhookConnection) {
        let millis = UInt64(connection.unixTime) * 1000
        let sender = connection.run.senderNumber(connection: connection.index)
        var text = ByteBuffer()
        text.writeString(#""},"webhookEventId":""#)
        text.writeCrockford(millis, digits: 10)
        eventIDPrefix = Array(text.readableBytesView)
        text.clear()
        // userIds are "U" and 32 hex digits: the run id, then the connection.
        text.writeString(#"","deliveryContext":{"isRedelivery":false},"timestamp":\#(millis),"#)
        text.writeString(#""source":{"type":"user","userId":"U\#(connection.run.id)"#)
        text.writeHex(UInt64(connection.index), digits: 24)
        text.writeString(#""},"replyToken":""#)
        sourceAndReplyToken = Array(text.readableBytesView)
        text.clear()
        text.writeHex(sender, digits: 16)
        replyTokenSuffix = Array(text.readableBytesView)
    }

    func write(seq: UInt64, messageID: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeBytes(messagePrefix)
        buffer.writeDecimal(messageID)
        buffer.writeBytes(quoteTokenPrefix)
        buffer.writeHex(messageID, digits: 16)
        buffer.writeBytes(textPrefix)
        buffer.writeDecimal(seq)
        buffer.writeBytes(eventIDPrefix)
        buffer.writeCrockford(messageID, digits: 16)
        buffer.writeBytes(sourceAndReplyToken)
        buffer.writeHex(messageID, digits: 16)
        buffer.writeBytes(replyTokenSuffix)
        buffer.writeBytes(suffix)
    }
}
