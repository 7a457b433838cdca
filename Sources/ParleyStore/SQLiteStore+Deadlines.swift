import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: DeadlineRepository {
    public func nextDeadline() async throws -> Date? {
        try await pool.read { db in
            Columns.date(try Double.fetchOne(db, sql: "SELECT MIN(due_at) FROM deadlines WHERE fired_at IS NULL"))
        }
    }

    public func dueDeadlines(now: Date, limit: Int) async throws -> [DueDeadline] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.conversation_id, c.channel_id, d.kind, d.due_at FROM deadlines d
                    JOIN conversations c ON c.id = d.conversation_id
                    WHERE d.fired_at IS NULL AND d.due_at <= ? ORDER BY d.due_at LIMIT ?
                    """,
                arguments: [now.timeIntervalSince1970, limit]
            ).compactMap { row in
                guard let kind = DeadlineKind(rawValue: row[2]) else { return nil }
                return DueDeadline(
                    conversationID: ConversationID(row[0]), channelID: ChannelID(row[1]), kind: kind,
                    dueAt: Date(timeIntervalSince1970: row[3])
                )
            }
        }
    }

    public func fire(_ due: [DueDeadline], now: Date, policies: [ChannelID: ChannelPolicy]) async throws -> FiredDeadlines {
        try await pool.write { db in
            var fired = FiredDeadlines()
            for deadline in due {
                guard let policy = policies[deadline.channelID] else { continue }
                // Marking and acting share this transaction: a crash leaves both undone, and a row
                // another node (or an earlier pass) fired, or an event moved, is not touched.
                try db.cachedStatement(sql: """
                    UPDATE deadlines SET fired_at = ? WHERE conversation_id = ? AND kind = ? AND fired_at IS NULL AND due_at <= ?
                    """).execute(arguments: [
                        now.timeIntervalSince1970, deadline.conversationID.rawValue, deadline.kind.rawValue, now.timeIntervalSince1970,
                    ])
                guard db.changesCount > 0, var conversation = try Self.loadConversation(db, deadline.conversationID) else { continue }
                fired.count += 1
                switch deadline.kind {
                case .nudge:
                    guard !policy.nudgeText.isEmpty else { continue }
                    let message = try Self.appendOutboundRow(db, &conversation, content: .text(policy.nudgeText), sender: .system, at: now)
                    fired.events.append(.messageCreated(message, conversation))
                    fired.queuedSends = true
                case .idleClose:
                    guard let transition = try? Self.transition(db, &conversation, .close(.idle), by: .system, at: now) else { continue }
                    fired.events.append(.conversationUpdated(conversation, transition))
                    if !policy.closeText.isEmpty {
                        let message = try Self.appendOutboundRow(db, &conversation, content: .text(policy.closeText), sender: .system, at: now)
                        fired.events.append(.messageCreated(message, conversation))
                        fired.queuedSends = true
                    }
                case .agentReply:
                    guard let transition = try? Self.transition(db, &conversation, .escalate, by: .system, at: now) else { continue }
                    fired.events.append(.conversationUpdated(conversation, transition))
                    fired.escalated.append(conversation.id)
                    let agentName = try transition.previousAssignee.flatMap {
                        try String.fetchOne(db, sql: "SELECT name FROM agents WHERE id = ?", arguments: [$0.rawValue])
                    }
                    let note = try Self.insertMessage(
                        db, conversation: conversation, direction: .note, sender: .system,
                        content: .text(EscalationNote.text(waited: policy.agentReplyTimeout, agentName: agentName)),
                        platformMessageID: nil, status: .received, at: now
                    )
                    fired.events.append(.messageCreated(note, conversation))
                case .offlineFallback:
                    if try Self.queuePushBack(db, conversation.id, at: now) { fired.queuedPushBacks = true }
                }
                try Self.syncDeadlines(db, conversation, policy.timers)
            }
            return fired
        }
    }

    /// In transactions of `recomputeBatch` conversations, so a channel with many open
    /// conversations never holds the single writer (and the webhooks queued behind it) for long.
    public func recomputeDeadlines(channel: ChannelID, settings: TimerSettings) async throws -> Int {
        var count = 0
        var after: Int64 = 0
        while true {
            let (done, last) = try await pool.write { [after] db in
                let open = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(Columns.conversationFields) FROM conversations
                        WHERE channel_id = ? AND status IN ('bot', 'queued', 'assigned', 'pending') AND id > ?
                        ORDER BY id LIMIT ?
                        """,
                    arguments: [channel.rawValue, after, Self.recomputeBatch]
                ).map(Columns.conversation)
                for conversation in open { try Self.syncDeadlines(db, conversation, settings) }
                return (open.count, open.last?.id.rawValue)
            }
            count += done
            guard let last, done == Self.recomputeBatch else { return count }
            after = last
        }
    }

    static let recomputeBatch = 500

    public func deadlines(of conversation: ConversationID) async throws -> [DeadlineKind: Date] {
        try await pool.read { db in
            var due: [DeadlineKind: Date] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT kind, due_at FROM deadlines WHERE conversation_id = ? AND fired_at IS NULL", arguments: [conversation.rawValue]
            ) {
                if let kind = DeadlineKind(rawValue: row[0]) { due[kind] = Date(timeIntervalSince1970: row[1]) }
            }
            return due
        }
    }

    /// Makes the conversation's deadline rows what `ConversationTimers` says its state runs. A
    /// timer whose due time changed is re-armed; one whose time did not keeps its fired mark, so
    /// recomputing never fires anything twice; timers the state no longer runs are deleted.
    /// Returns the earliest due time written, for waking the scheduler.
    @discardableResult
    static func syncDeadlines(_ db: Database, _ conversation: Conversation, _ settings: TimerSettings) throws -> Date? {
        let due = ConversationTimers.deadlines(for: conversation, settings: settings)
        var earliest: Date?
        for kind in DeadlineKind.conversationTimers {
            if let at = due[kind] {
                try db.cachedStatement(sql: """
                    INSERT INTO deadlines (conversation_id, kind, due_at) VALUES (?, ?, ?)
                    ON CONFLICT (conversation_id, kind) DO UPDATE SET due_at = excluded.due_at, fired_at = NULL
                    WHERE due_at != excluded.due_at
                    """).execute(arguments: [conversation.id.rawValue, kind.rawValue, at.timeIntervalSince1970])
                if db.changesCount > 0 { earliest = min(earliest ?? at, at) }
            } else {
                try db.cachedStatement(sql: "DELETE FROM deadlines WHERE conversation_id = ? AND kind = ?")
                    .execute(arguments: [conversation.id.rawValue, kind.rawValue])
            }
        }
        return earliest
    }
}
