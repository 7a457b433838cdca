import Foundation
import GRDB
import ParleyCore

/// The webhook journal (written by the triggers of migration 0013) and the delivery queue.
extension SQLiteStore: WebhookRepository {
    public func webhookJournal(limit: Int) async throws -> WebhookJournalBatch {
        try await pool.read { db in
            let anyActive = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE active = 1)") ?? false
            let entries = try Row.fetchAll(
                db,
                sql: "SELECT id, source, source_id, conversation_id, status, assignee_id, close_reason FROM webhook_journal ORDER BY id LIMIT ?",
                arguments: [limit]
            ).map { row in WebhookJournalEntry(id: row[0], event: try Self.journalEvent(db, row)) }
            return WebhookJournalBatch(entries: entries, anyActive: anyActive)
        }
    }

    public func queueWebhookDeliveries(_ events: [RelayedEvent], through journalID: Int64, consumed: Int, at time: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM webhook_journal WHERE id <= ?", arguments: [journalID])
            guard db.changesCount == consumed else {
                throw StoreError.conflict("the webhook journal changed under the relay (\(db.changesCount) entries up to \(journalID), expected \(consumed))")
            }
            let subscriptions = try Row.fetchAll(
                db, sql: "SELECT id, event_types, include_notes, relay_after FROM webhook_subscriptions WHERE active = 1 ORDER BY id"
            ).map { row in (id: row[0] as Int64, eventTypes: Self.decodeTypes(row[1]), includeNotes: row[2] as Bool, relayAfter: row[3] as Int64) }
            let insert = try db.cachedStatement(sql: """
                INSERT INTO webhook_deliveries (subscription_id, journal_id, event_type, payload, state, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, 'pending', ?, ?)
                """)
            var queued = 0
            for event in events {
                for subscription in subscriptions where event.journalID > subscription.relayAfter
                    && WebhookSubscription.wants(event.type, isNote: event.isNote, eventTypes: subscription.eventTypes, includeNotes: subscription.includeNotes)
                {
                    try insert.execute(arguments: [
                        subscription.id, event.journalID, event.type, event.payload, time.timeIntervalSince1970, time.timeIntervalSince1970,
                    ])
                    queued += 1
                }
            }
            return queued
        }
    }

    /// A subscription's head: its oldest delivery not yet delivered. Only heads are claimed, so a
    /// subscription has at most one delivery in flight and its events leave in the order queued.
    private static let isHead = """
        d.id = (SELECT MIN(id) FROM webhook_deliveries WHERE subscription_id = d.subscription_id AND state IN ('pending', 'sending'))
        """

    public func claimDueWebhookDeliveries(now: Date, limit: Int, lease: TimeInterval) async throws -> [WebhookDeliveryJob] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, d.subscription_id, s.url, s.sealed_secret, d.event_type, d.payload, d.attempts
                    FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
                    WHERE s.active = 1
                      AND ((d.state = 'pending' AND d.next_attempt_at <= :now) OR (d.state = 'sending' AND d.lease_until <= :now))
                      AND \(Self.isHead)
                    ORDER BY d.next_attempt_at, d.id
                    LIMIT :limit
                    """,
                arguments: ["now": now.timeIntervalSince1970, "limit": limit]
            )
            let claim = try db.cachedStatement(sql: "UPDATE webhook_deliveries SET state = 'sending', lease_until = ? WHERE id = ?")
            return try rows.map { row in
                try claim.execute(arguments: [now.timeIntervalSince1970 + lease, row[0] as Int64])
                let secret: Data = row[3]
                return WebhookDeliveryJob(
                    id: row[0], subscriptionID: WebhookID(row[1]), url: row[2], sealedSecret: Array(secret), eventType: row[4],
                    payload: row[5], attempts: row[6]
                )
            }
        }
    }

    public func releaseWebhookClaims() async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE webhook_deliveries SET state = 'pending', lease_until = NULL WHERE state = 'sending'")
        }
    }

    public func nextWebhookDeliveryDue() async throws -> Date? {
        try await pool.read { db in
            Columns.date(try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(CASE d.state WHEN 'pending' THEN d.next_attempt_at ELSE d.lease_until END)
                    FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
                    WHERE s.active = 1 AND d.state IN ('pending', 'sending') AND \(Self.isHead)
                    """
            ))
        }
    }

    public func completeWebhookDelivery(_ job: WebhookDeliveryJob, status: Int, at time: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, lease_until = NULL, last_status = ?,
                        last_error = NULL, last_attempt_at = ?, delivered_at = ?
                    WHERE id = ?
                    """,
                arguments: [status, time.timeIntervalSince1970, time.timeIntervalSince1970, job.id]
            )
            try db.execute(
                sql: """
                    UPDATE webhook_subscriptions SET failures = 0, last_status = ?, last_error = NULL, last_attempt_at = ?, last_delivered_at = ?
                    WHERE id = ?
                    """,
                arguments: [status, time.timeIntervalSince1970, time.timeIntervalSince1970, job.subscriptionID.rawValue]
            )
        }
    }

    public func retryWebhookDelivery(_ job: WebhookDeliveryJob, status: Int?, error: String, at next: Date, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_deliveries SET state = 'pending', attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL,
                        last_status = ?, last_error = ?, last_attempt_at = ?
                    WHERE id = ?
                    """,
                arguments: [next.timeIntervalSince1970, status, error, now.timeIntervalSince1970, job.id]
            )
            try db.execute(
                sql: "UPDATE webhook_subscriptions SET failures = failures + 1, last_status = ?, last_error = ?, last_attempt_at = ? WHERE id = ?",
                arguments: [status, error, now.timeIntervalSince1970, job.subscriptionID.rawValue]
            )
        }
    }

    // MARK: - Journal entries as events

    /// The event a journal row stands for, with its conversation as the event left it: the
    /// lifecycle state from the row, everything else as it is now.
    private static func journalEvent(_ db: Database, _ row: Row) throws -> DomainEvent? {
        guard var conversation = try loadConversation(db, ConversationID(row[3])) else { return nil }
        let status: String = row[4]
        let assignee: Int64? = row[5]
        let closeReason: String? = row[6]
        conversation.state = ConversationState(
            status: ConversationStatus(rawValue: status) ?? conversation.status, assignee: assignee.map(AgentID.init),
            closeReason: closeReason.flatMap(CloseReason.init(rawValue:))
        )
        let sourceID: Int64 = row[2]
        let source: String = row[1]
        if source == "message" {
            let message = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Columns.messageFields) FROM messages WHERE id = ?"), arguments: [sourceID]
            ).map(Columns.message)
            return message.map { .messageCreated($0, conversation) }
        }
        guard let event = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT command, from_status, to_status, previous_assignee_id, assignee_id, actor_kind, actor_id, at
                FROM conversation_events WHERE id = ?
                """),
            arguments: [sourceID]
        ) else { return nil }
        if event[0] as String == "open" { return .conversationCreated(conversation) }
        return .conversationUpdated(conversation, transition(event, closeReason: conversation.state.closeReason))
    }

    /// A `conversation_events` row back as the transition it recorded; nil for a command this
    /// build does not know (the event still goes out, without its transition).
    private static func transition(_ row: Row, closeReason: CloseReason?) -> ConversationTransition? {
        let assignee: Int64? = row[4]
        let command: ConversationCommand? = switch row[0] as String {
        case "hand_over": .handOver
        case "assign": assignee.map { .assign(AgentID($0)) }
        case "release": .release
        case "park": .park
        case "resolve": .resolve
        case "close": .close(closeReason ?? .idle)
        case "reopen": .reopen
        case "escalate": .escalate
        default: nil
        }
        let from: String? = row[1]
        guard let command, let from = from.flatMap(ConversationStatus.init(rawValue:)),
              let to = ConversationStatus(rawValue: row[2])
        else { return nil }
        let previous: Int64? = row[3]
        let actorID: Int64? = row[6]
        let actor: Participant = switch row[5] as String {
        case "contact": .contact(ContactID(actorID ?? 0))
        case "agent": .agent(AgentID(actorID ?? 0))
        case "bot": .bot
        default: .system
        }
        return ConversationTransition(
            command: command, from: from, to: to, previousAssignee: previous.map(AgentID.init), assignee: assignee.map(AgentID.init),
            actor: actor, at: Date(timeIntervalSince1970: row[7])
        )
    }
}
