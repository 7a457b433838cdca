import Foundation
import GRDB
import ParleyCore

/// What agents do to a conversation besides replying: internal notes and transfers, each with
/// its note in the same transaction as the change it explains, and labels.
extension SQLiteStore: WorkbenchRepository {
    public func assign(
        _ id: ConversationID, to target: AgentID, expecting expected: ConversationState, by actor: AgentID, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> (Conversation, ConversationTransition) {
        try await write { db in
            guard var conversation = try Self.loadConversation(db, id) else { throw StoreError.notFound("conversation \(id)") }
            guard conversation.status == expected.status, conversation.assignee == expected.assignee else {
                let holder = conversation.assignee.map { " by agent \($0)" } ?? ""
                throw StoreError.conflict("conversation \(id) changed meanwhile: it is \(conversation.status.rawValue)\(holder) now")
            }
            guard let load = try Row.fetchOne(
                db,
                sql: """
                    SELECT capacity, (SELECT COUNT(*) FROM conversations WHERE assignee_id = a.id AND status = 'assigned') FROM agents a WHERE id = ?
                    """,
                arguments: [target.rawValue]
            ) else { throw StoreError.notFound("agent \(target)") }
            let (capacity, active): (Int, Int) = (load[0], load[1])
            guard active < capacity else { throw StoreError.conflict("agent \(target) is at capacity (\(active) of \(capacity) chats)") }
            let transition = try Self.transition(db, &conversation, .assign(target), by: .agent(actor), at: time)
            try db.execute(sql: "UPDATE agents SET last_assigned_at = ? WHERE id = ?", arguments: [time.timeIntervalSince1970, target.rawValue])
            try Self.syncDeadlines(db, conversation, timers)
            return (conversation, transition)
        }
    }

    public func addNote(to id: ConversationID, text: String, by agent: AgentID, at time: Date) async throws(StoreError) -> (Message, Conversation) {
        try await write { db in
            guard let conversation = try Self.loadConversation(db, id) else { throw StoreError.notFound("conversation \(id)") }
            let note = try Self.insertMessage(
                db, conversation: conversation, direction: .note, sender: .agent(agent), content: .text(text), platformMessageID: nil,
                status: .received, at: time
            )
            return (note, conversation)
        }
    }

    public func transfer(
        _ id: ConversationID, to target: TransferDestination, note: String, by agent: AgentID, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> TransferResult {
        try await write { db in
            guard var conversation = try Self.loadConversation(db, id) else { throw StoreError.notFound("conversation \(id)") }
            let transition: ConversationTransition?
            switch target {
            case .agent(let receiver, let capacity):
                // The receiver's slot is checked with the write, as routing's own assignments are.
                let active = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM conversations WHERE assignee_id = ? AND status = 'assigned'", arguments: [receiver.rawValue]
                ) ?? 0
                guard active < capacity else {
                    throw StoreError.conflict("agent \(receiver) is at capacity (\(active) of \(capacity) chats)")
                }
                transition = try Self.transition(db, &conversation, .assign(receiver), by: .agent(agent), at: time)
            case .team(let team):
                try db.execute(sql: "UPDATE conversations SET team_id = ? WHERE id = ?", arguments: [team.rawValue, id.rawValue])
                conversation.team = team
                // An assigned conversation goes back to the queue, now the new team's; a queued one
                // just changes queue, keeping its wait.
                transition = conversation.status == .assigned
                    ? try Self.transition(db, &conversation, .release, by: .agent(agent), at: time) : nil
                guard conversation.status == .queued else {
                    throw StoreError.conflict("a \(conversation.status.rawValue) conversation cannot move to a team queue")
                }
            }
            let message = try Self.insertMessage(
                db, conversation: conversation, direction: .note, sender: .agent(agent), content: .text(note), platformMessageID: nil,
                status: .received, at: time
            )
            try Self.syncDeadlines(db, conversation, timers)
            return TransferResult(conversation: conversation, transition: transition, note: message)
        }
    }

    public func setLabel(
        _ label: String, on id: ConversationID, present: Bool, at time: Date
    ) async throws(StoreError) -> (conversation: Conversation, changed: Bool) {
        try await write { db in
            guard let before = try Self.loadConversation(db, id) else { throw StoreError.notFound("conversation \(id)") }
            if present {
                try db.execute(
                    sql: "INSERT INTO conversation_labels (conversation_id, label, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [id.rawValue, label, time.timeIntervalSince1970]
                )
            } else {
                try db.execute(sql: "DELETE FROM conversation_labels WHERE conversation_id = ? AND label = ?", arguments: [id.rawValue, label])
            }
            guard db.changesCount > 0 else { return (before, false) }
            return (try Self.loadConversation(db, id) ?? before, true)
        }
    }

    public func labelCounts() async throws -> [LabelCount] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT label, COUNT(*) AS n FROM conversation_labels GROUP BY label ORDER BY n DESC, label"
            ).map { LabelCount(label: $0["label"], conversations: $0["n"]) }
        }
    }
}
