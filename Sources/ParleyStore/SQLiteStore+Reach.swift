import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: ReachRepository {
    public func identityActivity(ofContact contact: ContactID) async throws -> [IdentityActivity] {
        try await pool.read { db in
            // Each identity's most recently active conversation carries the customer's clock there.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT i.id, i.channel_id, i.external_id, i.opted_out_at IS NOT NULL AS opted_out,
                           c.last_customer_message_at, c.replies_since_customer
                    FROM identities i
                    LEFT JOIN conversations c ON c.id = (
                        SELECT id FROM conversations WHERE identity_id = i.id
                        ORDER BY last_customer_message_at IS NULL, last_customer_message_at DESC, id DESC LIMIT 1)
                    WHERE i.contact_id = ?
                    ORDER BY i.id
                    """,
                arguments: [contact.rawValue]
            ).map { row in
                IdentityActivity(
                    identityID: IdentityID(row["id"]), channelID: ChannelID(row["channel_id"]), externalID: row["external_id"],
                    lastCustomerMessageAt: (row["last_customer_message_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    repliesSinceCustomerMessage: row["replies_since_customer"] ?? 0, optedOut: row["opted_out"]
                )
            }
        }
    }
}
