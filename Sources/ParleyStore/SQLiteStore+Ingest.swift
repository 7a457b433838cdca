import Foundation
import GRDB
import ParleyCore

extension SQLiteStore {
    public func ingest(_ items: [IngestItem]) async throws -> [Result<IngestResult, StoreError>] {
        try await pool.writeWithoutTransaction { db in try Self.ingestBatch(db, items) }
    }

    public func ingestBlocking(_ items: [IngestItem]) throws -> [Result<IngestResult, StoreError>] {
        try pool.writeWithoutTransaction { db in try Self.ingestBatch(db, items) }
    }

    /// A message of the batch failed, so its transaction was rolled back and the batch is replayed.
    private struct BatchRolledBack: Error {}

    /// The whole batch in one transaction; only if some message fails is the transaction rolled
    /// back and the batch replayed with one savepoint per message, so the failure rolls back
    /// alone while the others still commit. A savepoint around the batch would copy every page it
    /// changes into a statement journal first: under load that was more writing than the commit
    /// itself. A failing commit is not a failing message and is thrown, not replayed.
    private static func ingestBatch(_ db: Database, _ items: [IngestItem]) throws -> [Result<IngestResult, StoreError>] {
        var results: [Result<IngestResult, StoreError>] = []
        do {
            try db.inTransaction {
                do {
                    results = try items.map { .success(try ingestOne(db, $0)) }
                } catch {
                    throw BatchRolledBack()
                }
                return .commit
            }
        } catch is BatchRolledBack {
            try db.inTransaction {
                results = items.map { ingestIsolated(db, $0) }
                return .commit
            }
        }
        return results
    }

    private static func ingestIsolated(_ db: Database, _ item: IngestItem) -> Result<IngestResult, StoreError> {
        var result: Result<IngestResult, StoreError> = .failure(.database("not run"))
        do {
            try db.inSavepoint {
                result = .success(try ingestOne(db, item))
                return .commit
            }
        } catch let error as StoreError {
            result = .failure(error)
        } catch {
            result = .failure(.database(String(describing: error)))
        }
        return result
    }

    /// Dedupe → identity → contact → find or open the conversation → append → update it.
    private static func ingestOne(_ db: Database, _ item: IngestItem) throws -> IngestResult {
        let inbound = item.message
        var dedupe = try DirectStatement(
            db, sql: "SELECT id, conversation_id FROM messages WHERE channel_id = ? AND direction = 'inbound' AND platform_message_id = ?"
        )
        dedupe.bind(item.channelID.rawValue)
        dedupe.bind(inbound.platformMessageID)
        if let existing = try dedupe.first({ row in (MessageID(row.int64(0)), ConversationID(row.int64(1))) }) {
            let receipt = IngestReceipt(
                platformMessageID: inbound.platformMessageID, messageID: existing.0, conversationID: existing.1, duplicate: true
            )
            return IngestResult(receipt: receipt, events: [])
        }

        let (identityID, contactID, latest) = try findOrCreateIdentity(db, item)
        let time = item.receivedAt
        var events: [DomainEvent] = []
        var conversation: Conversation
        var transition: ConversationTransition?
        // Only a resolved conversation can have a survey waiting: the common case reads nothing more.
        if let latest, latest.status == .resolved, let answered = try answerSurvey(db, latest, item, contact: contactID) {
            return answered
        }
        if let latest, latest.accepts(customerMessageAt: time, reopenWindow: item.reopenWindow) {
            conversation = latest
            if conversation.status == .resolved || conversation.status == .closed {
                transition = try SQLiteStore.transition(db, &conversation, .reopen, by: .contact(contactID), at: time)
            }
        } else {
            conversation = try openConversation(db, item, contactID, identityID)
            events.append(.conversationCreated(conversation))
        }

        let message = try insertMessage(
            db, conversation: conversation, direction: .inbound, sender: .contact(contactID), content: inbound.content,
            platformMessageID: inbound.platformMessageID, status: .received, at: time
        )
        if item.downloadsMedia {
            try db.cachedStatement(sql: """
                INSERT INTO media_downloads (message_id, channel_id, state, attempts, next_attempt_at) VALUES (?, ?, 'pending', 0, ?)
                """).execute(arguments: [message.id.rawValue, item.channelID.rawValue, time.timeIntervalSince1970])
        }
        conversation.lastCustomerMessageAt = time
        conversation.lastMessageAt = time
        conversation.lastMessagePreview = inbound.content.previewText
        conversation.updatedAt = time
        conversation.repliesSinceCustomerMessage = 0
        let startsWaiting = conversation.waitingSince == nil
        if startsWaiting { conversation.waitingSince = time }
        try saveActivity(db, conversation, replyToken: inbound.replyToken.map { ReplyToken(token: $0, receivedAt: time) })
        // A customer who was already waiting changes no timer: the common case costs nothing.
        var earliestDeadline: Date?
        if startsWaiting || transition != nil {
            earliestDeadline = try syncDeadlines(db, conversation, item.timers)
        }

        events.append(.messageCreated(message, conversation))
        if let transition { events.append(.conversationUpdated(conversation, transition)) }
        let receipt = IngestReceipt(
            platformMessageID: inbound.platformMessageID, messageID: message.id, conversationID: conversation.id,
            duplicate: false
        )
        return IngestResult(receipt: receipt, events: events, earliestDeadline: earliestDeadline)
    }

    /// The sender's identity and contact, and their latest conversation on this channel, in one
    /// statement; a new sender gets a contact and an identity, and no conversation yet.
    private static func findOrCreateIdentity(_ db: Database, _ item: IngestItem) throws -> (IdentityID, ContactID, Conversation?) {
        var lookup = try DirectStatement(db, sql: identityLookup)
        lookup.bind(item.channelID.rawValue)
        lookup.bind(item.message.externalUserID)
        let found = try lookup.first { row in
            (IdentityID(row.int64(0)), ContactID(row.int64(1)), row.isNull(2) ? nil : Columns.conversation(reading: row, from: 2))
        }
        if let found { return found }
        var contact = try DirectStatement(db, sql: "INSERT INTO contacts (name, created_at) VALUES (?, ?)")
        contact.bind(item.message.displayName)
        contact.bind(item.receivedAt.timeIntervalSince1970)
        try contact.execute()
        let contactID = ContactID(db.lastInsertedRowID)
        var identity = try DirectStatement(db, sql: "INSERT INTO identities (contact_id, channel_id, external_id) VALUES (?, ?, ?)")
        identity.bind(contactID.rawValue)
        identity.bind(item.channelID.rawValue)
        identity.bind(item.message.externalUserID)
        try identity.execute()
        return (IdentityID(db.lastInsertedRowID), contactID, nil)
    }

    private static let identityLookup = """
        SELECT i.id, i.contact_id, \(Columns.conversationFields(of: "c")) FROM identities i
        LEFT JOIN conversations c ON c.id = (SELECT MAX(id) FROM conversations WHERE identity_id = i.id)
        WHERE i.channel_id = ? AND i.external_id = ?
        """

    private static func openConversation(
        _ db: Database, _ item: IngestItem, _ contactID: ContactID, _ identityID: IdentityID
    ) throws -> Conversation {
        let time = item.receivedAt
        let channelID = item.channelID
        let externalID = item.message.externalUserID
        // Only a new conversation pays for this lookup; every later message of it does not.
        let team = try Row.fetchOne(
            db.cachedStatement(sql: """
                SELECT t.id, json_extract(t.profile, '$.bot') IS NOT NULL FROM channels ch JOIN teams t ON t.id = ch.team_id WHERE ch.id = ?
                """),
            arguments: [channelID.rawValue]
        )
        let withBot: Bool = team?[1] ?? false
        let state = withBot ? ConversationState.newWithBot : ConversationState.newInQueue
        try db.cachedStatement(sql: """
            INSERT INTO conversations (channel_id, contact_id, identity_id, external_id, status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                channelID.rawValue, contactID.rawValue, identityID.rawValue, externalID, state.status.rawValue,
                time.timeIntervalSince1970, time.timeIntervalSince1970,
            ])
        let id = ConversationID(db.lastInsertedRowID)
        try db.cachedStatement(sql: """
            INSERT INTO conversation_events (conversation_id, command, from_status, to_status, actor_kind, actor_id, at)
            VALUES (?, 'open', NULL, ?, 'contact', ?, ?)
            """).execute(arguments: [id.rawValue, state.status.rawValue, contactID.rawValue, time.timeIntervalSince1970])
        return Conversation(
            id: id, channelID: channelID, contactID: contactID, identityID: identityID, externalID: externalID, state: state,
            createdAt: time, updatedAt: time, team: (team?[0] as Int64?).map(TeamID.init)
        )
    }
}
