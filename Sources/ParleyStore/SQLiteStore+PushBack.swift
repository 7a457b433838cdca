import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: PushBackRepository {
    /// Queues a push-back for the conversation's replies held since the last run, in the
    /// transaction that fires its offline-fallback deadline. Returns whether there was any.
    static func queuePushBack(_ db: Database, _ conversation: ConversationID, at now: Date) throws -> Bool {
        let covered = try Int64.fetchOne(
            db, sql: "SELECT MAX(last_message_id) FROM push_backs WHERE conversation_id = ? AND origin = 'held'", arguments: [conversation.rawValue]
        ) ?? 0
        guard let held = try Row.fetchOne(
            db,
            sql: """
                SELECT MIN(id), MAX(id) FROM messages
                WHERE conversation_id = ? AND direction = 'outbound' AND status = 'sent' AND route = ? AND id > ?
                """,
            arguments: [conversation.rawValue, DeliveryRoute.heldForReturn.rawValue, covered]
        ), let first: Int64 = held[0], let last: Int64 = held[1] else { return false }
        try db.execute(
            sql: """
                INSERT INTO push_backs (conversation_id, first_message_id, last_message_id, state, next_attempt_at, created_at, updated_at)
                VALUES (?, ?, ?, 'pending', ?, ?, ?)
                """,
            arguments: [conversation.rawValue, first, last, now.timeIntervalSince1970, now.timeIntervalSince1970, now.timeIntervalSince1970]
        )
        return true
    }

    public func claimDuePushBacks(now: Date, limit: Int, lease: TimeInterval) async throws -> [PushBackJob] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, origin, conversation_id, first_message_id, last_message_id, route, route_channel_id, ruled_out, attempts
                    FROM push_backs
                    WHERE (state = 'pending' AND next_attempt_at <= :now) OR (state = 'sending' AND lease_until <= :now)
                    ORDER BY next_attempt_at, id LIMIT :limit
                    """,
                arguments: ["now": now.timeIntervalSince1970, "limit": limit]
            )
            let claim = try db.cachedStatement(sql: "UPDATE push_backs SET state = 'sending', lease_until = ?, updated_at = ? WHERE id = ?")
            return try rows.map { row in
                try claim.execute(arguments: [now.timeIntervalSince1970 + lease, now.timeIntervalSince1970, row["id"] as Int64])
                return PushBackJob(
                    id: row["id"], origin: PushBackOrigin(rawValue: row["origin"]) ?? .heldForReturn, conversationID: ConversationID(row["conversation_id"]),
                    firstMessageID: MessageID(row["first_message_id"]), lastMessageID: MessageID(row["last_message_id"]),
                    route: (row["route"] as String?).flatMap(DeliveryRoute.init(rawValue:)),
                    routeChannelID: (row["route_channel_id"] as String?).map(ChannelID.init),
                    ruledOut: (try? JSONDecoder().decode([UnavailableRoute].self, from: Data((row["ruled_out"] as String).utf8))) ?? [],
                    attempts: row["attempts"]
                )
            }
        }
    }

    public func releasePushBackClaims() async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE push_backs SET state = 'pending', lease_until = NULL WHERE state = 'sending'")
        }
    }

    public func nextPushBackDue() async throws -> Date? {
        try await pool.read { db in
            Columns.date(try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(CASE state WHEN 'pending' THEN next_attempt_at ELSE lease_until END)
                    FROM push_backs WHERE state IN ('pending', 'sending')
                    """
            ))
        }
    }

    public func heldMessages(of job: PushBackJob) async throws -> [Message] {
        try await pool.read { db in try Self.held(db, job) }
    }

    public func completePushBack(
        _ job: PushBackJob, via route: DeliveryRoute, channel: ChannelID, note: String, delivered: Bool, at time: Date
    ) async throws -> [Message] {
        try await pool.write { db in
            try Self.end(db, job, state: "done", route: route, channel: channel, error: nil, at: time)
            return try Self.held(db, job).map { held in
                var message = held
                message.route = route
                message.routeNote = note
                if message.status == .queued { message.status = .sent }
                if delivered, message.status.canAdvance(to: .delivered) { message.status = .delivered }
                try Self.saveStatus(db, message)
                return message
            }
        }
    }

    public func retryPushBack(
        _ job: PushBackJob, via route: DeliveryRoute, channel: ChannelID, at next: Date, error: String, now: Date
    ) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    UPDATE push_backs SET state = 'pending', route = ?, route_channel_id = ?, attempts = attempts + 1,
                        next_attempt_at = ?, lease_until = NULL, last_error = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [route.rawValue, channel.rawValue, next.timeIntervalSince1970, error, now.timeIntervalSince1970, job.id]
            )
        }
    }

    public func movePushBackOn(_ job: PushBackJob, after failure: UnavailableRoute, now: Date) async throws {
        let ruledOut = String(decoding: try JSONEncoder().encode(job.ruledOut + [failure]), as: UTF8.self)
        try await pool.write { db in
            try Self.end(db, job, state: "failed", route: failure.route, channel: failure.channelID, error: failure.reason, at: now)
            try db.execute(
                sql: """
                    INSERT INTO push_backs
                        (conversation_id, origin, first_message_id, last_message_id, state, ruled_out, next_attempt_at, created_at, updated_at)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)
                    """,
                arguments: [
                    job.conversationID.rawValue, job.origin.rawValue, job.firstMessageID.rawValue, job.lastMessageID.rawValue, ruledOut,
                    now.timeIntervalSince1970, now.timeIntervalSince1970, now.timeIntervalSince1970,
                ]
            )
        }
    }

    public func abandonPushBack(_ job: PushBackJob, reason: String, at time: Date) async throws -> [Message] {
        try await pool.write { db in
            try Self.end(db, job, state: "failed", route: nil, channel: nil, error: reason, at: time)
            return try Self.held(db, job).map { held in
                var message = held
                message.routeNote = reason
                if job.origin == .refusedByChannel { message.status = .failed(reason: reason) }
                try Self.saveStatus(db, message)
                return message
            }
        }
    }

    public func closeReturnedPushBack(_ job: PushBackJob, at time: Date) async throws {
        try await pool.write { db in
            try Self.end(db, job, state: "returned", route: nil, channel: nil, error: nil, at: time)
        }
    }

    private static func held(_ db: Database, _ job: PushBackJob) throws -> [Message] {
        let waiting = switch job.origin {
        case .heldForReturn: "status = 'sent' AND route = '\(DeliveryRoute.heldForReturn.rawValue)'"
        case .refusedByChannel: "status = 'queued'"
        }
        return try Row.fetchAll(
            db,
            sql: """
                SELECT \(Columns.messageFields) FROM messages
                WHERE conversation_id = ? AND id BETWEEN ? AND ? AND direction = 'outbound' AND \(waiting)
                ORDER BY id
                """,
            arguments: [job.conversationID.rawValue, job.firstMessageID.rawValue, job.lastMessageID.rawValue]
        ).map(Columns.message)
    }

    private static func end(
        _ db: Database, _ job: PushBackJob, state: String, route: DeliveryRoute?, channel: ChannelID?, error: String?, at time: Date
    ) throws {
        try db.execute(
            sql: """
                UPDATE push_backs SET state = ?, route = COALESCE(?, route), route_channel_id = COALESCE(?, route_channel_id),
                    attempts = attempts + 1, lease_until = NULL, last_error = ?, updated_at = ?
                WHERE id = ?
                """,
            arguments: [state, route?.rawValue, channel?.rawValue, error, time.timeIntervalSince1970, job.id]
        )
    }
}
