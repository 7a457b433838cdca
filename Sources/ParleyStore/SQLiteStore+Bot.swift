import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: BotRepository {
    public func knowledgeBase() async throws -> (document: Data, updatedAt: Date)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT document, updated_at FROM knowledge_base WHERE id = 1").map { row in
                (document: row[0] as Data, updatedAt: Date(timeIntervalSince1970: row[1]))
            }
        }
    }

    public func saveKnowledgeBase(_ document: Data, at time: Date) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO knowledge_base (id, document, updated_at) VALUES (1, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at
                    """,
                arguments: [document, time.timeIntervalSince1970]
            )
        }
    }

    public func conversationsAwaitingBot(limit: Int) async throws -> [ConversationID] {
        try await pool.read { db in
            try Int64.fetchAll(
                db,
                sql: """
                    SELECT c.id FROM conversations c
                    WHERE c.status = 'bot' AND EXISTS (
                        SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.id > c.bot_read_through AND m.direction = 'inbound')
                    ORDER BY c.id LIMIT ?
                    """,
                arguments: [limit]
            ).map(ConversationID.init)
        }
    }

    public func botWork(_ id: ConversationID) async throws -> BotWork? {
        try await pool.read { db in
            guard let conversation = try Self.loadConversation(db, id), conversation.status == .bot else { return nil }
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(c.team_id, ch.team_id) AS team, t.profile, ct.vip, c.bot_read_through, c.bot_misses,
                           (SELECT updated_at FROM knowledge_base WHERE id = 1) AS knowledge_base_at
                    FROM conversations c
                    JOIN channels ch ON ch.id = c.channel_id
                    JOIN contacts ct ON ct.id = c.contact_id
                    LEFT JOIN teams t ON t.id = COALESCE(c.team_id, ch.team_id)
                    WHERE c.id = ?
                    """,
                arguments: [id.rawValue]
            ) else { return nil }
            let readThrough: Int64 = row["bot_read_through"]
            let unread = try Row.fetchAll(
                db,
                sql: "SELECT \(Columns.messageFields) FROM messages WHERE conversation_id = ? AND id > ? AND direction = 'inbound' ORDER BY id",
                arguments: [id.rawValue, readThrough]
            ).map(Columns.message)
            let profile = TeamProfile.stored(row["profile"])
            return BotWork(
                conversation: conversation, team: (row["team"] as Int64?).map(TeamID.init), bot: profile.bot, contactIsVIP: row["vip"],
                misses: row["bot_misses"], readThrough: readThrough, unread: unread,
                knowledgeBaseUpdatedAt: Columns.date(row["knowledge_base_at"])
            )
        }
    }

    public func recordBotTurn(_ turn: BotTurn, at time: Date) async throws(StoreError) -> BotTurnWritten? {
        try await write { db in
            guard var conversation = try Self.loadConversation(db, turn.conversation), conversation.status == .bot,
                try Int64.fetchOne(db, sql: "SELECT bot_read_through FROM conversations WHERE id = ?", arguments: [turn.conversation.rawValue])
                    == turn.readFrom
            else { return nil }
            var messages: [Message] = []
            for reply in turn.replies {
                messages.append(try Self.appendOutboundRow(db, &conversation, content: .text(reply), sender: .bot, at: time))
            }
            var transition: ConversationTransition?
            if let handOver = turn.handOver {
                (transition, messages) = try Self.handOver(db, &conversation, handOver, after: messages, at: time)
            }
            try db.execute(
                sql: "UPDATE conversations SET bot_read_through = ?, bot_misses = ? WHERE id = ?",
                arguments: [turn.readThrough, turn.handOver == nil ? turn.misses : 0, turn.conversation.rawValue]
            )
            return BotTurnWritten(conversation: conversation, messages: messages, transition: transition)
        }
    }

    /// Queues the conversation for a person: the customer's notice, then the agents' note.
    private static func handOver(
        _ db: Database, _ conversation: inout Conversation, _ handOver: BotHandOver, after earlier: [Message], at time: Date
    ) throws -> (ConversationTransition, [Message]) {
        var messages = earlier
        let transition = try transition(db, &conversation, .handOver, by: .bot, at: time)
        if !handOver.text.isEmpty {
            messages.append(try appendOutboundRow(db, &conversation, content: .text(handOver.text), sender: .bot, at: time))
        }
        messages.append(try insertMessage(
            db, conversation: conversation, direction: .note, sender: .bot, content: .text(handOver.note), platformMessageID: nil,
            status: .received, at: time
        ))
        // Waiting for a person starts now, whatever the bot's conversation took.
        conversation.waitingSince = time
        try db.execute(sql: "UPDATE conversations SET waiting_since = ? WHERE id = ?", arguments: [time.timeIntervalSince1970, conversation.id.rawValue])
        try syncDeadlines(db, conversation, handOver.timers)
        return (transition, messages)
    }

    public func setVIP(_ contact: ContactID, _ vip: Bool) async throws(StoreError) -> (withBot: [ConversationID], queued: [ConversationID]) {
        try await write { db in
            try db.execute(sql: "UPDATE contacts SET vip = ? WHERE id = ?", arguments: [vip, contact.rawValue])
            guard db.changesCount == 1 else { throw StoreError.notFound("contact \(contact)") }
            let open = try Row.fetchAll(
                db, sql: "SELECT id, status FROM conversations WHERE contact_id = ? AND status IN ('bot', 'queued') ORDER BY id",
                arguments: [contact.rawValue]
            )
            return (
                withBot: open.filter { ($0[1] as String) == "bot" }.map { ConversationID($0[0]) },
                queued: open.filter { ($0[1] as String) == "queued" }.map { ConversationID($0[0]) }
            )
        }
    }

    public func team(of conversation: ConversationID) async throws -> TeamID? {
        try await pool.read { db in
            try Int64.fetchOne(
                db,
                sql: "SELECT COALESCE(c.team_id, ch.team_id) FROM conversations c JOIN channels ch ON ch.id = c.channel_id WHERE c.id = ?",
                arguments: [conversation.rawValue]
            ).map(TeamID.init)
        }
    }
}
