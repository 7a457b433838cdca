import Foundation
import GRDB
import ParleyCore

/// The embedded store: every repository over one SQLite database (GRDB `DatabasePool`, WAL).
/// GRDB serializes writes, so each method is one transaction and callers need no locking.
public final class SQLiteStore: Sendable {
    public let pool: DatabasePool

    public init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Opens (and migrates) the database file at `path`.
    public convenience init(path: String) throws {
        self.init(pool: try ParleyDatabase.open(path: path))
    }

    /// Runs a write transaction and reports database failures as `StoreError`.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(StoreError) -> T {
        do {
            return try await pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database(String(describing: error))
        }
    }
}

/// Column ↔ value conversions shared by the repository extensions.
enum Columns {
    static let jsonEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static func encode(_ content: MessageContent) throws -> String {
        // Text is nearly every message: spare it a JSONEncoder (same bytes, sorted keys).
        if case .text(let text) = content { return #"{"text":"# + JSONText.quoted(text) + #","type":"text"}"# }
        return String(decoding: try jsonEncoder.encode(content), as: UTF8.self)
    }

    static func decodeContent(_ text: String) -> MessageContent {
        (try? JSONDecoder().decode(MessageContent.self, from: Data(text.utf8))) ?? .unsupported(rawType: "corrupt")
    }

    static func time(_ date: Date) -> Double { date.timeIntervalSince1970 }
    static func date(_ value: Double?) -> Date? { value.map(Date.init(timeIntervalSince1970:)) }

    static func message(_ row: Row) -> Message {
        let senderID: Int64? = row["sender_id"]
        let senderKind: String = row["sender_kind"]
        let statusName: String = row["status"]
        return Message(
            id: MessageID(row["id"]),
            conversationID: ConversationID(row["conversation_id"]),
            channelID: ChannelID(row["channel_id"]),
            direction: MessageDirection(rawValue: row["direction"]) ?? .inbound,
            sender: MessageSender(kindName: senderKind, participantID: senderID) ?? .system,
            content: decodeContent(row["content"]),
            platformMessageID: row["platform_message_id"],
            status: DeliveryStatus(name: statusName, failureReason: row["failure_reason"]) ?? .received,
            createdAt: Date(timeIntervalSince1970: row["created_at"])
        )
    }

    static func conversation(_ row: Row) -> Conversation {
        let assignee: Int64? = row["assignee_id"]
        let closeReason: String? = row["close_reason"]
        return Conversation(
            id: ConversationID(row["id"]),
            channelID: ChannelID(row["channel_id"]),
            contactID: ContactID(row["contact_id"]),
            identityID: IdentityID(row["identity_id"]),
            externalID: row["external_id"],
            state: ConversationState(
                status: ConversationStatus(rawValue: row["status"]) ?? .queued,
                assignee: assignee.map(AgentID.init),
                closeReason: closeReason.flatMap(CloseReason.init(rawValue:))
            ),
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
            lastCustomerMessageAt: date(row["last_customer_message_at"]),
            lastMessageAt: date(row["last_message_at"]),
            lastMessagePreview: row["last_message_preview"]
        )
    }

    static func participant(_ participant: Participant) -> (kind: String, id: Int64?) {
        switch participant {
        case .contact(let id): ("contact", id.rawValue)
        case .agent(let id): ("agent", id.rawValue)
        case .bot: ("bot", nil)
        case .system: ("system", nil)
        }
    }
}
