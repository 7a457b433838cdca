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

    public func contact(_ id: ContactID) async throws -> ContactRecord? {
        try await pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT name, email, vip, created_at FROM contacts WHERE id = ?", arguments: [id.rawValue]) else {
                return nil
            }
            let identities = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.id, i.channel_id, ch.kind, ch.name, i.external_id, i.opted_out_at IS NOT NULL AS opted_out
                    FROM identities i JOIN channels ch ON ch.id = i.channel_id
                    WHERE i.contact_id = ? ORDER BY i.id
                    """,
                arguments: [id.rawValue]
            ).map { row in
                ContactRecord.Identity(
                    id: IdentityID(row[0]), channelID: ChannelID(row[1]), channelKind: row[2], channelName: row[3], externalID: row[4],
                    optedOut: row[5]
                )
            }
            return ContactRecord(
                id: id, name: row["name"], email: row["email"], vip: row["vip"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                identities: identities
            )
        }
    }

    public func email(ofContact contact: ContactID) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT email FROM contacts WHERE id = ?", arguments: [contact.rawValue])
        }
    }

    public func saveVisitorEmail(_ email: String, name: String?, channel: ChannelID, visitor: String, at time: Date) async throws -> ContactID {
        try await pool.write { db in
            let contact: ContactID
            if let known = try Int64.fetchOne(
                db, sql: "SELECT contact_id FROM identities WHERE channel_id = ? AND external_id = ?", arguments: [channel.rawValue, visitor]
            ) {
                contact = ContactID(known)
            } else {
                // Left before writing (the leave-message form can come first): the contact starts
                // here, and the visitor's first message finds this identity.
                try db.execute(sql: "INSERT INTO contacts (name, created_at) VALUES (?, ?)", arguments: [name, time.timeIntervalSince1970])
                contact = ContactID(db.lastInsertedRowID)
                try db.execute(
                    sql: "INSERT INTO identities (contact_id, channel_id, external_id) VALUES (?, ?, ?)",
                    arguments: [contact.rawValue, channel.rawValue, visitor]
                )
            }
            try db.execute(
                sql: "UPDATE contacts SET email = ?, name = COALESCE(?, name) WHERE id = ?", arguments: [email, name, contact.rawValue]
            )
            return contact
        }
    }

    @discardableResult
    public func mergeContacts(_ duplicate: ContactID, into kept: ContactID) async throws(StoreError) -> [Conversation] {
        guard duplicate != kept else { throw StoreError.conflict("a contact cannot be merged into itself") }
        return try await write { db in
            for id in [duplicate, kept] where try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM contacts WHERE id = ?)", arguments: [id.rawValue]) != true {
                throw StoreError.notFound("contact \(id)")
            }
            let moved = try Int64.fetchAll(db, sql: "SELECT id FROM conversations WHERE contact_id = ? ORDER BY id", arguments: [duplicate.rawValue])
            let move: [Int64] = [kept.rawValue, duplicate.rawValue]
            try db.execute(sql: "UPDATE identities SET contact_id = ? WHERE contact_id = ?", arguments: StatementArguments(move))
            try db.execute(sql: "UPDATE conversations SET contact_id = ? WHERE contact_id = ?", arguments: StatementArguments(move))
            try db.execute(sql: "UPDATE messages SET sender_id = ? WHERE sender_kind = 'contact' AND sender_id = ?", arguments: StatementArguments(move))
            try db.execute(sql: "UPDATE csat_responses SET contact_id = ? WHERE contact_id = ?", arguments: StatementArguments(move))
            try db.execute(
                sql: """
                    UPDATE contacts SET name = COALESCE(name, (SELECT name FROM contacts WHERE id = :duplicate)),
                                        email = COALESCE(email, (SELECT email FROM contacts WHERE id = :duplicate))
                    WHERE id = :kept
                    """,
                arguments: ["kept": kept.rawValue, "duplicate": duplicate.rawValue]
            )
            try db.execute(sql: "DELETE FROM contacts WHERE id = ?", arguments: [duplicate.rawValue])
            return try moved.compactMap { try Self.loadConversation(db, ConversationID($0)) }
        }
    }
}
