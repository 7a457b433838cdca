import NIOCore

/// Telegram webhooks (CHANNELS.md §2.1): one JSON `Update` per request, authenticated only by the
/// secret token header, so nothing is signed per request.
enum TelegramRequests {
    static let secretHeader = "X-Telegram-Bot-Api-Secret-Token"

    /// The connection is one private chat: chat id and user id are the connection's sender number.
    static func template(_ connection: WebhookConnection, secretToken: String) -> JSONWebhookRequests<TelegramUpdateBody> {
        JSONWebhookRequests(
            head: WebhookHead(
                channelID: connection.channelID, host: connection.host, contentType: "application/json",
                fixedHeaders: [(secretHeader, secretToken)]
            ),
            authentication: .fixedHeader,
            body: TelegramUpdateBody(connection)
        )
    }
}

/// `{"update_id":<id>,"message":{"message_id":<seq>,…,"text":"bench message <seq>"}}`: `update_id`
/// (the server's dedupe key, §2.2) is the message's `BenchMessageID`; `message_id` counts the chat's
/// messages, as Telegram numbers them per chat.
struct TelegramUpdateBody: WebhookBody {
    private let updatePrefix = Array(#"{"update_id":"#.utf8)
    private let messagePrefix = Array(#","message":{"message_id":"#.utf8)
    private let chatAndText: [UInt8]
    private let suffix = Array(#""}}"#.utf8)

    init(_ connection: WebhookConnection) {
        let user = connection.run.senderNumber(connection: connection.index)
        chatAndText = Array(
            (#","date":\#(connection.unixTime),"#
                + #""chat":{"id":\#(user),"first_name":"Bench","last_name":"\#(connection.index)","type":"private"},"#
                + #""from":{"id":\#(user),"is_bot":false,"first_name":"Bench","last_name":"\#(connection.index)","language_code":"en"},"#
                + #""text":"bench message "#).utf8
        )
    }

    func write(seq: UInt64, messageID: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeBytes(updatePrefix)
        buffer.writeDecimal(messageID)
        buffer.writeBytes(messagePrefix)
        buffer.writeDecimal(seq)
        buffer.writeBytes(chatAndText)
        buffer.writeDecimal(seq)
        buffer.writeBytes(suffix)
    }
}
