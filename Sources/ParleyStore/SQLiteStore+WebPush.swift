import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: ServerSecretRepository, PushSubscriptionRepository {
    public func keepSecret(named name: String, sealed: [UInt8], at time: Date) async throws -> [UInt8] {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO server_secrets (name, sealed, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING",
                arguments: [name, Data(sealed), time.timeIntervalSince1970]
            )
            let kept = try Data.fetchOne(db, sql: "SELECT sealed FROM server_secrets WHERE name = ?", arguments: [name])
            return kept.map(Array.init) ?? sealed
        }
    }

    public func savePushSubscription(_ subscription: PushSubscription, channel: ChannelID, visitor: String, at time: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO push_subscriptions (channel_id, visitor_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(endpoint) DO UPDATE SET channel_id = excluded.channel_id, visitor_id = excluded.visitor_id,
                        p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at
                    """,
                arguments: [
                    channel.rawValue, visitor, subscription.endpoint, Base64URL.encode(subscription.p256dh),
                    Base64URL.encode(subscription.auth), time.timeIntervalSince1970,
                ]
            )
        }
    }

    public func pushSubscriptions(channel: ChannelID, visitor: String) async throws -> [PushSubscription] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE channel_id = ? AND visitor_id = ? ORDER BY id",
                arguments: [channel.rawValue, visitor]
            ).compactMap { row in
                // Validated before it was stored; a row that no longer parses is skipped, not fatal.
                try? PushSubscription(endpoint: row["endpoint"], p256dh: row["p256dh"] as String, auth: row["auth"] as String)
            }
        }
    }

    public func deletePushSubscription(endpoint: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM push_subscriptions WHERE endpoint = ?", arguments: [endpoint])
        }
    }
}
