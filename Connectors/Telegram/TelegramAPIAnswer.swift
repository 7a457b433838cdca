import Foundation
import ParleyCore

/// What a Bot API answer means (CHANNELS.md §2.3): `{"ok":true,"result":…}`, or
/// `{"ok":false,"error_code":…,"description":…,"parameters":{…}}` with the HTTP status equal
/// to the error code.
enum TelegramAPIAnswer<Result: Decodable> {
    case accepted(Result?)
    case retryLater(reason: String, after: TimeInterval?)
    case failed(reason: String)

    private struct Envelope: Decodable {
        var ok: Bool?
        var result: Result?
        var error_code: Int?
        var description: String?
        var parameters: Parameters?
    }

    private struct Failure: Decodable {
        var error_code: Int?
        var description: String?
        var parameters: Parameters?
    }

    struct Parameters: Decodable {
        var retry_after: Double?
        var migrate_to_chat_id: Int64?
    }

    init(_ response: TransportResponse) {
        let body = Data(response.body)
        if (200..<300).contains(response.status) {
            guard let envelope = try? JSONDecoder().decode(Envelope.self, from: body) else {
                // Telegram took the call (2xx) and the result is not what we read: it happened.
                self = .accepted(nil)
                return
            }
            guard envelope.ok == false else {
                self = .accepted(envelope.result)
                return
            }
            self = Self.error(
                status: envelope.error_code ?? 400, description: envelope.description, parameters: envelope.parameters,
                retryAfterHeader: nil
            )
            return
        }
        let failure = try? JSONDecoder().decode(Failure.self, from: body)
        self = Self.error(
            status: response.status, description: failure?.description, parameters: failure?.parameters,
            retryAfterHeader: response.header("Retry-After").flatMap(TimeInterval.init)
        )
    }

    private static func error(
        status: Int, description: String?, parameters: Parameters?, retryAfterHeader: TimeInterval?
    ) -> Self {
        let telegram = description.map { "Telegram: \($0)" } ?? "HTTP \(status)"
        switch status {
        case 429:
            return .retryLater(reason: "Telegram's flood limit (\(telegram))", after: parameters?.retry_after ?? retryAfterHeader)
        case 500...:
            return .retryLater(reason: "Telegram is unavailable (\(telegram))", after: parameters?.retry_after ?? retryAfterHeader)
        case 401:
            return .failed(reason: "Telegram rejected the bot token; check the channel's botToken (\(telegram))")
        case 403:
            return .failed(reason: "\(forbiddenReason(description)) (\(telegram))")
        case 400 where parameters?.migrate_to_chat_id != nil:
            let chat = parameters?.migrate_to_chat_id.map(String.init) ?? ""
            return .failed(reason: "the group became a supergroup with chat id \(chat); replies must go to that chat (\(telegram))")
        case 400..<500:
            return .failed(reason: "Telegram refused the request (\(telegram))")
        default:
            return .retryLater(reason: "Telegram answered HTTP \(status) (\(telegram))", after: nil)
        }
    }

    /// The readable cause behind a 403 (tdlib `Client.cpp` wording).
    private static func forbiddenReason(_ description: String?) -> String {
        let text = description?.lowercased() ?? ""
        if text.contains("blocked") { return "the customer blocked the bot" }
        if text.contains("deactivated") { return "the customer deleted their Telegram account" }
        if text.contains("kicked") || text.contains("not a member") { return "the bot was removed from the chat" }
        if text.contains("initiate conversation") { return "the customer has never started the bot" }
        return "the customer blocked the bot or deleted their account"
    }
}
