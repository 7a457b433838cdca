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

    /// The columns `message(_:)` reads, in the order it reads them: rows are read by position,
    /// because GRDB's lookup by name folds case on every access and ingest reads a row per message.
    static let messageFields = messageFields(of: nil)

    /// `messageFields` qualified with a table alias, for joins.
    static func messageFields(of alias: String?) -> String {
        let names = [
            "id", "conversation_id", "channel_id", "direction", "sender_kind", "sender_id", "content",
            "platform_message_id", "status", "failure_reason", "created_at", "route", "route_note",
        ]
        return names.map { name in alias.map { "\($0).\(name)" } ?? name }.joined(separator: ", ")
    }

    static func message(_ row: Row) -> Message {
        let senderID: Int64? = row[5]
        let senderKind: String = row[4]
        let statusName: String = row[8]
        return Message(
            id: MessageID(row[0]),
            conversationID: ConversationID(row[1]),
            channelID: ChannelID(row[2]),
            direction: MessageDirection(rawValue: row[3]) ?? .inbound,
            sender: MessageSender(kindName: senderKind, participantID: senderID) ?? .system,
            content: decodeContent(row[6]),
            platformMessageID: row[7],
            status: DeliveryStatus(name: statusName, failureReason: row[9]) ?? .received,
            createdAt: Date(timeIntervalSince1970: row[10]),
            route: (row[11] as String?).flatMap(DeliveryRoute.init(rawValue:)),
            routeNote: row[12]
        )
    }

    /// The columns `conversation(_:)` reads, in the order it reads them, from `conversations`
    /// unaliased. The labels come along so every event carries them; the subquery is one probe of
    /// the labels' primary key, nothing when a conversation has none.
    static let conversationFields = conversationFields(of: "conversations")

    /// `conversationFields` of `table`, a table name or an alias for joins.
    static func conversationFields(of table: String) -> String {
        let names = [
            "id", "channel_id", "contact_id", "identity_id", "external_id", "status", "assignee_id", "close_reason", "created_at",
            "updated_at", "last_customer_message_at", "last_message_at", "last_message_preview", "replies_since_customer",
            "last_reply_at", "waiting_since",
        ]
        return names.map { "\(table).\($0)" }.joined(separator: ", ") + """
            , COALESCE(\(table).team_id, (SELECT ch.team_id FROM channels ch WHERE ch.id = \(table).channel_id)), \
            (SELECT GROUP_CONCAT(label, char(31)) FROM conversation_labels WHERE conversation_id = \(table).id)
            """
    }

    /// Labels cannot hold control characters, so the unit separator joins them unambiguously.
    static let labelSeparator: Character = "\u{1F}"

    static func conversation(_ row: Row) -> Conversation {
        conversation(reading: row, from: 0)
    }

    /// The conversation in the columns `conversationFields` names, starting at column `first`.
    static func conversation(reading row: some ColumnReader, from first: Int) -> Conversation {
        Conversation(
            id: ConversationID(row.int64(first)),
            channelID: ChannelID(row.text(first + 1)),
            contactID: ContactID(row.int64(first + 2)),
            identityID: IdentityID(row.int64(first + 3)),
            externalID: row.text(first + 4),
            state: ConversationState(
                status: ConversationStatus(rawValue: row.text(first + 5)) ?? .queued,
                assignee: row.optionalInt64(first + 6).map(AgentID.init),
                closeReason: row.optionalText(first + 7).flatMap(CloseReason.init(rawValue:))
            ),
            createdAt: Date(timeIntervalSince1970: row.double(first + 8)),
            updatedAt: Date(timeIntervalSince1970: row.double(first + 9)),
            lastCustomerMessageAt: date(row.optionalDouble(first + 10)),
            lastMessageAt: date(row.optionalDouble(first + 11)),
            lastMessagePreview: row.optionalText(first + 12),
            repliesSinceCustomerMessage: Int(row.int64(first + 13)),
            lastReplyAt: date(row.optionalDouble(first + 14)),
            waitingSince: date(row.optionalDouble(first + 15)),
            team: row.optionalInt64(first + 16).map(TeamID.init),
            labels: row.optionalText(first + 17).map { $0.split(separator: labelSeparator).map(String.init).sorted() } ?? []
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
