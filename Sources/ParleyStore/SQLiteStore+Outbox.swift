import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: OutboxRepository {
    public func claimDue(now: Date, limit: Int, lease: TimeInterval) async throws -> [OutboxItem] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.id, o.channel_id, o.attempts, o.message_id, o.conversation_id,
                           m.content, i.external_id, c.last_customer_message_at, c.replies_since_customer,
                           i.opted_out_at IS NOT NULL AS opted_out, c.reply_token, c.reply_token_at
                    FROM outbox o
                    JOIN messages m ON m.id = o.message_id
                    JOIN conversations c ON c.id = o.conversation_id
                    JOIN identities i ON i.id = c.identity_id
                    WHERE ((o.state = 'pending' AND o.next_attempt_at <= :now)
                           OR (o.state = 'sending' AND o.lease_until <= :now))
                      AND o.id = (SELECT MIN(id) FROM outbox
                                  WHERE conversation_id = o.conversation_id AND state IN ('pending', 'sending'))
                    ORDER BY o.next_attempt_at, o.id
                    LIMIT :limit
                    """,
                arguments: ["now": now.timeIntervalSince1970, "limit": limit]
            )
            let claim = try db.cachedStatement(sql: "UPDATE outbox SET state = 'sending', lease_until = ?, updated_at = ? WHERE id = ?")
            return try rows.map { row in
                let id: Int64 = row["id"]
                try claim.execute(arguments: [now.timeIntervalSince1970 + lease, now.timeIntervalSince1970, id])
                let attempts: Int = row["attempts"]
                // A reply token is single-use: the first attempt that could use it takes it, so
                // neither a retry nor the next reply tries it again.
                var replyToken: ReplyToken?
                if attempts == 0, let token: String = row["reply_token"], let at = Columns.date(row["reply_token_at"]) {
                    replyToken = ReplyToken(token: token, receivedAt: at)
                    try db.cachedStatement(sql: "UPDATE conversations SET reply_token = NULL, reply_token_at = NULL WHERE id = ?")
                        .execute(arguments: [row["conversation_id"] as Int64])
                }
                let delivery = OutboundDelivery(
                    messageID: MessageID(row["message_id"]), conversationID: ConversationID(row["conversation_id"]),
                    recipient: row["external_id"], content: Columns.decodeContent(row["content"]),
                    attempt: attempts + 1, lastCustomerMessageAt: Columns.date(row["last_customer_message_at"]),
                    sendsSinceCustomerMessage: row["replies_since_customer"], recipientOptedOut: row["opted_out"],
                    replyToken: replyToken
                )
                return OutboxItem(id: id, channelID: ChannelID(row["channel_id"]), attempts: attempts, delivery: delivery)
            }
        }
    }

    public func releaseClaims() async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE outbox SET state = 'pending', lease_until = NULL WHERE state = 'sending'")
        }
    }

    public func markSent(
        _ item: OutboxItem, platformMessageID: String?, via route: DeliveryRoute, at time: Date, pushBackAt: Date?
    ) async throws -> Message {
        let armsPushBack = route == .heldForReturn ? pushBackAt : nil
        return try await finish(item, outboxState: "done", error: nil, at: time, delivered: true, pushBackAt: armsPushBack) { message in
            message.platformMessageID = platformMessageID
            message.route = route
            if message.status.canAdvance(to: .sent) { message.status = .sent }
        }
    }

    public func postpone(_ item: OutboxItem, until next: Date, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'pending', next_attempt_at = ?, lease_until = NULL, updated_at = ? WHERE id = ?",
                arguments: [next.timeIntervalSince1970, now.timeIntervalSince1970, item.id]
            )
        }
    }

    public func scheduleRetry(_ item: OutboxItem, at next: Date, error: String, now: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'pending', attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL,
                        last_error = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [next.timeIntervalSince1970, error, now.timeIntervalSince1970, item.id]
            )
        }
    }

    public func refuse(_ item: OutboxItem, reason: String, at time: Date) async throws -> RefusedSend {
        try await pool.write { db in
            let reachableElsewhere = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM conversations c JOIN identities i ON i.contact_id = c.contact_id
                                   WHERE c.id = ? AND i.channel_id != c.channel_id)
                    """,
                arguments: [item.delivery.conversationID.rawValue]
            ) ?? false
            guard reachableElsewhere else {
                return .deadLettered(try Self.finishRow(db, item, outboxState: "dead", error: reason, at: time) { message in
                    message.status = .failed(reason: reason)
                })
            }
            let message = try Self.finishRow(db, item, outboxState: "dead", error: reason, at: time) { message in
                message.routeNote = "\(reason). Trying the contact's other channels."
            }
            let refusal = UnavailableRoute(route: .freeText, channelID: item.channelID, reason: reason)
            try db.execute(
                sql: """
                    INSERT INTO push_backs
                        (conversation_id, first_message_id, last_message_id, state, origin, ruled_out, next_attempt_at, created_at, updated_at)
                    VALUES (?, ?, ?, 'pending', 'refused', ?, ?, ?, ?)
                    """,
                arguments: [
                    item.delivery.conversationID.rawValue, message.id.rawValue, message.id.rawValue,
                    String(decoding: try JSONEncoder().encode([refusal]), as: UTF8.self),
                    time.timeIntervalSince1970, time.timeIntervalSince1970, time.timeIntervalSince1970,
                ]
            )
            return .handedOn(message)
        }
    }

    public func nextDueDate() async throws -> Date? {
        try await pool.read { db in
            let next = try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(CASE state WHEN 'pending' THEN next_attempt_at ELSE lease_until END)
                    FROM outbox WHERE state IN ('pending', 'sending')
                    """
            )
            return Columns.date(next)
        }
    }

    /// Ends an outbox row and updates its message in the same transaction.
    private func finish(
        _ item: OutboxItem, outboxState: String, error: String?, at time: Date, delivered: Bool = false, pushBackAt: Date? = nil,
        update: @Sendable @escaping (inout Message) -> Void
    ) async throws -> Message {
        try await pool.write { db in
            try Self.finishRow(db, item, outboxState: outboxState, error: error, at: time, delivered: delivered, pushBackAt: pushBackAt, update: update)
        }
    }

    private static func finishRow(
        _ db: Database, _ item: OutboxItem, outboxState: String, error: String?, at time: Date, delivered: Bool = false,
        pushBackAt: Date? = nil, update: (inout Message) -> Void
    ) throws -> Message {
        try db.execute(
            sql: """
                UPDATE outbox SET state = ?, attempts = attempts + 1, lease_until = NULL, last_error = ?, updated_at = ?
                WHERE id = ?
                """,
            arguments: [outboxState, error, time.timeIntervalSince1970, item.id]
        )
        guard let row = try Row.fetchOne(db, sql: "SELECT \(Columns.messageFields) FROM messages WHERE id = ?", arguments: [item.delivery.messageID.rawValue])
        else { throw StoreError.notFound("message \(item.delivery.messageID)") }
        var message = Columns.message(row)
        update(&message)
        try Self.saveStatus(db, message)
        if delivered {
            try db.execute(
                sql: "UPDATE conversations SET replies_since_customer = replies_since_customer + 1 WHERE id = ?",
                arguments: [message.conversationID.rawValue]
            )
        }
        if let pushBackAt {
            // The first held reply starts the clock; later ones ride on the waiting deadline.
            try db.cachedStatement(sql: """
                INSERT INTO deadlines (conversation_id, kind, due_at) VALUES (?, ?, ?)
                ON CONFLICT (conversation_id, kind) DO UPDATE SET due_at = excluded.due_at, fired_at = NULL
                WHERE fired_at IS NOT NULL
                """).execute(arguments: [message.conversationID.rawValue, DeadlineKind.offlineFallback.rawValue, pushBackAt.timeIntervalSince1970])
        }
        return message
    }
}
