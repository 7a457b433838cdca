import Foundation
import GRDB
import ParleyCore

/// Webhook subscriptions and their delivery log (the queue itself is in
/// `SQLiteStore+WebhookDeliveries.swift`).
extension SQLiteStore {
    public func insertWebhook(_ draft: WebhookDraft, sealedSecret: [UInt8], at time: Date) async throws -> WebhookSubscription {
        let types = try Self.encodeTypes(draft.eventTypes)
        return try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_subscriptions (url, event_types, include_notes, sealed_secret, active, relay_after, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 1, ?, ?, ?)
                    """,
                arguments: [draft.url, types, draft.includeNotes, Data(sealedSecret), try Self.journalHead(db), time.timeIntervalSince1970, time.timeIntervalSince1970]
            )
            let id = WebhookID(db.lastInsertedRowID)
            guard let stored = try Self.loadWebhook(db, id) else { throw StoreError.notFound("webhook \(id)") }
            return stored
        }
    }

    public func webhooks() async throws -> [WebhookSubscription] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "\(Self.webhookSelect) ORDER BY s.id").map(Self.webhook)
        }
    }

    public func webhook(_ id: WebhookID) async throws -> WebhookSubscription? {
        try await pool.read { db in try Self.loadWebhook(db, id) }
    }

    public func updateWebhook(_ id: WebhookID, _ change: WebhookChange, at time: Date) async throws -> WebhookSubscription? {
        let types = try change.eventTypes.map(Self.encodeTypes)
        return try await pool.write { db in
            guard let current = try Self.loadWebhook(db, id) else { return nil }
            // Back on: only what is committed from now on is queued; the journal may still hold
            // entries from while it was off, and those are not for it.
            let relayAfter: Int64? = change.active == true && !current.active ? try Self.journalHead(db) : nil
            try db.execute(
                sql: """
                    UPDATE webhook_subscriptions SET url = COALESCE(?, url), event_types = COALESCE(?, event_types),
                        include_notes = COALESCE(?, include_notes), active = COALESCE(?, active),
                        relay_after = COALESCE(?, relay_after), updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [change.url, types, change.includeNotes, change.active, relayAfter, time.timeIntervalSince1970, id.rawValue]
            )
            return try Self.loadWebhook(db, id)
        }
    }

    public func replaceWebhookSecret(_ id: WebhookID, sealedSecret: [UInt8], at time: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE webhook_subscriptions SET sealed_secret = ?, updated_at = ? WHERE id = ?",
                arguments: [Data(sealedSecret), time.timeIntervalSince1970, id.rawValue]
            )
            return db.changesCount > 0
        }
    }

    public func deleteWebhook(_ id: WebhookID) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM webhook_subscriptions WHERE id = ?", arguments: [id.rawValue])
            return db.changesCount > 0
        }
    }

    public func webhookDeliveries(of id: WebhookID, limit: Int) async throws -> [WebhookDelivery] {
        try await pool.read { db in
            // Newest first by journal id: the unique (subscription_id, journal_id) index serves it,
            // and a subscription's deliveries were queued in journal order.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, event_type, state, attempts, last_status, last_error, created_at, last_attempt_at, next_attempt_at, delivered_at
                    FROM webhook_deliveries WHERE subscription_id = ? ORDER BY journal_id DESC LIMIT ?
                    """,
                arguments: [id.rawValue, limit]
            ).map { row in
                let state = WebhookDelivery.State(rawValue: row[2]) ?? .pending
                return WebhookDelivery(
                    id: row[0], eventType: row[1], state: state, attempts: row[3], lastStatus: row[4], lastError: row[5],
                    createdAt: Date(timeIntervalSince1970: row[6]), lastAttemptAt: Columns.date(row[7]),
                    nextAttemptAt: state == .pending ? Columns.date(row[8]) : nil, deliveredAt: Columns.date(row[9])
                )
            }
        }
    }

    // MARK: - Rows

    /// The last journal id ever given out: a subscription created or re-enabled now is owed only
    /// the entries after it. From `sqlite_sequence`, because relayed entries are deleted and the
    /// table alone may be empty.
    static func journalHead(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'webhook_journal'") ?? 0
    }

    private static let webhookSelect = """
        SELECT s.id, s.url, s.event_types, s.include_notes, s.active, s.failures, s.last_status, s.last_error,
               s.last_attempt_at, s.last_delivered_at, s.created_at, s.updated_at,
               (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.state IN ('pending', 'sending'))
        FROM webhook_subscriptions s
        """

    private static func loadWebhook(_ db: Database, _ id: WebhookID) throws -> WebhookSubscription? {
        try Row.fetchOne(db, sql: "\(webhookSelect) WHERE s.id = ?", arguments: [id.rawValue]).map(webhook)
    }

    private static func webhook(_ row: Row) -> WebhookSubscription {
        WebhookSubscription(
            id: WebhookID(row[0]), url: row[1], eventTypes: decodeTypes(row[2]), includeNotes: row[3], active: row[4],
            consecutiveFailures: row[5], lastStatus: row[6], lastError: row[7], lastAttemptAt: Columns.date(row[8]),
            lastDeliveredAt: Columns.date(row[9]), pendingDeliveries: row[12], createdAt: Date(timeIntervalSince1970: row[10]),
            updatedAt: Date(timeIntervalSince1970: row[11])
        )
    }

    static func encodeTypes(_ types: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(types), as: UTF8.self)
    }

    static func decodeTypes(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
