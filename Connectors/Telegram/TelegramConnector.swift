import Foundation
import ParleyCore

/// A Telegram bot (CHANNELS.md §2): one JSON `Update` per webhook, authenticated by the
/// `X-Telegram-Bot-Api-Secret-Token` header; replies through `sendMessage` and friends; inbound
/// media fetched with `getFile` on receipt.
///
/// Choices worth knowing:
/// - **Edited messages** (`edited_message`) are stored as a new inbound message whose content is
///   the edited version, with platform id `edit:<update_id>`. The thread keeps what the customer
///   first wrote (an agent may already have answered it) and shows the correction after it;
///   nothing in history is overwritten. Each edit is its own update, so each is stored once.
/// - The customer is the chat, not the sender: replies go to `chat.id`.
/// - A button press (`callback_query`) is the event `callback` with the button's data, and the
///   webhook's answer carries `answerCallbackQuery`, which Telegram runs for us (§2.2), so the
///   customer's button stops spinning without another API call.
/// - `my_chat_member` turning `kicked` is the customer blocking the bot (event `blocked`);
///   back to `member` is `unblocked`.
/// - Outbound platform ids are `<chat_id>:<message_id>`: Telegram numbers messages per chat,
///   so the bare `message_id` would collide between customers.
/// - The bot token is never logged and never part of a failure reason.
public struct TelegramConnector: ChannelConnector {
    public let channel: Channel
    let configuration: TelegramConfiguration
    let now: @Sendable () -> Date
    /// Deadline of each Bot API call; file downloads get longer.
    let requestTimeout: TimeInterval
    /// Pieces of long replies already accepted, so a retry resumes after them.
    let deliveredPieces = DeliveredPieces()

    static let secretHeader = "X-Telegram-Bot-Api-Secret-Token"

    public init(
        channel: Channel, credentials: [String: String], requestTimeout: TimeInterval = 15,
        now: @escaping @Sendable () -> Date = Date.init
    ) throws(TelegramConfiguration.ConfigurationError) {
        self.channel = channel
        configuration = try TelegramConfiguration(channel: channel, credentials: credentials)
        self.requestTimeout = requestTimeout
        self.now = now
    }

    // MARK: - Webhooks

    /// Telegram has no URL-verification handshake: `setWebhook` just succeeds (§2.1).
    public func verify(_ request: WebhookRequest) throws(ConnectorError) -> WebhookResponse {
        throw .unsupportedRequest("Telegram never verifies a webhook URL with a GET; it posts updates")
    }

    /// The secret header first, in constant time and before the body is looked at, so an
    /// unauthenticated caller learns nothing about how we parse; then the content type.
    public func authenticate(_ request: WebhookRequest) throws(ConnectorError) {
        guard let expected = configuration.secretToken else {
            throw .unauthorized("the channel is in polling mode and has no secretToken; webhooks are refused")
        }
        guard let presented = request.header(Self.secretHeader) else {
            throw .unauthorized("the \(Self.secretHeader) header is missing")
        }
        guard ConstantTime.equals(presented, expected) else {
            throw .unauthorized("the \(Self.secretHeader) header does not match the channel's secretToken")
        }
        guard let contentType = request.header("Content-Type") else {
            throw .malformedPayload("the request has no Content-Type; Telegram posts application/json")
        }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard mediaType.lowercased() == "application/json" else {
            throw .malformedPayload("Content-Type '\(contentType)' is not application/json, which Telegram always posts")
        }
    }

    public func decode(_ request: WebhookRequest) throws(ConnectorError) -> [InboundEvent] {
        try TelegramInbound.events(from: try update(in: request), now: now())
    }

    /// Any 2xx tells Telegram the update arrived. For a button press the body asks Telegram to
    /// answer the callback query, which ends the spinner on the customer's button.
    public func acknowledge(_ request: WebhookRequest, receipts: [IngestReceipt]) -> WebhookResponse {
        // Only a button press needs the body read again; every other update is answered without
        // decoding it a second time.
        guard Self.mentionsCallbackQuery(request.body),
              let query = (try? update(in: request))?.callbackQuery,
              let body = try? JSONSerialization.data(
                  withJSONObject: ["method": "answerCallbackQuery", "callback_query_id": query.id], options: [.sortedKeys]
              )
        else { return .text("") }
        return .json(Array(body))
    }

    private static let callbackQueryKey = Array(#""callback_query""#.utf8)

    private static func mentionsCallbackQuery(_ body: [UInt8]) -> Bool {
        let key = callbackQueryKey
        guard body.count >= key.count else { return false }
        return (0...(body.count - key.count)).contains { start in
            body[start] == key[0] && body[start..<start + key.count].elementsEqual(key)
        }
    }

    private func update(in request: WebhookRequest) throws(ConnectorError) -> TelegramUpdate {
        guard !request.body.isEmpty else { throw .malformedPayload("the body is empty; Telegram posts one JSON Update") }
        do {
            return try JSONDecoder().decode(TelegramUpdate.self, from: Data(request.body))
        } catch let error as DecodingError {
            throw .malformedPayload(error.reason)
        } catch {
            throw .malformedPayload("the body is not a Telegram Update")
        }
    }
}
