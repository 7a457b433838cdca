import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: ConversationRepository {
    public func conversation(_ id: ConversationID) async throws -> Conversation? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Columns.conversationFields) FROM conversations WHERE id = ?", arguments: [id.rawValue])
                .map(Columns.conversation)
        }
    }

    public func conversations(_ filter: ConversationFilter) async throws -> [Conversation] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let status = filter.status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        if let assignee = filter.assignee {
            conditions.append(filter.unassignedOnly ? "(assignee_id = ? OR assignee_id IS NULL)" : "assignee_id = ?")
            arguments += [assignee.rawValue]
        } else if filter.unassignedOnly {
            conditions.append("assignee_id IS NULL")
        }
        if let contact = filter.contact {
            conditions.append("contact_id = ?")
            arguments += [contact.rawValue]
        }
        if let label = filter.label {
            conditions.append("id IN (SELECT conversation_id FROM conversation_labels WHERE label = ?)")
            arguments += [label]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(Columns.conversationFields) FROM conversations \(whereClause) ORDER BY updated_at DESC, id DESC LIMIT ?"
        arguments += [filter.limit]
        let finalArguments = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: finalArguments).map(Columns.conversation)
        }
    }

    public func messages(in conversation: ConversationID, before: MessageID?, limit: Int) async throws -> [Message] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Columns.messageFields) FROM messages WHERE conversation_id = ? AND id < ?
                    ORDER BY id DESC LIMIT ?
                    """,
                arguments: [conversation.rawValue, before?.rawValue ?? Int64.max, limit]
            )
            return rows.reversed().map(Columns.message)
        }
    }

    public func messages(channel: ChannelID, externalID: String, after: MessageID?, limit: Int) async throws -> [Message] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Columns.messageFields(of: "m")) FROM messages m
                    JOIN conversations c ON c.id = m.conversation_id
                    JOIN identities i ON i.id = c.identity_id
                    WHERE i.channel_id = ? AND i.external_id = ? AND m.id > ? AND m.direction != 'note'
                    ORDER BY m.id LIMIT ?
                    """,
                arguments: [channel.rawValue, externalID, after?.rawValue ?? 0, limit]
            ).map(Columns.message)
        }
    }

    public func apply(
        _ command: ConversationCommand, to id: ConversationID, by actor: Participant, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> (Conversation, ConversationTransition) {
        try await write { db in
            guard var conversation = try Self.loadConversation(db, id) else {
                throw StoreError.notFound("conversation \(id)")
            }
            let transition = try Self.transition(db, &conversation, command, by: actor, at: time)
            try Self.syncDeadlines(db, conversation, timers)
            return (conversation, transition)
        }
    }

    public func appendOutbound(
        to id: ConversationID, content: MessageContent, sender: MessageSender, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> (Message, Conversation) {
        try await write { db in
            guard var conversation = try Self.loadConversation(db, id) else {
                throw StoreError.notFound("conversation \(id)")
            }
            let message = try Self.appendOutboundRow(db, &conversation, content: content, sender: sender, at: time)
            try Self.syncDeadlines(db, conversation, timers)
            return (message, conversation)
        }
    }

    /// The message, its outbox row and the conversation's activity. An agent's or the bot's
    /// message answers the customer: it stops the wait and starts the idle clock; system texts
    /// (nudge, close) do neither.
    static func appendOutboundRow(
        _ db: Database, _ conversation: inout Conversation, content: MessageContent, sender: MessageSender, at time: Date
    ) throws -> Message {
        let message = try insertMessage(
            db, conversation: conversation, direction: .outbound, sender: sender, content: content,
            platformMessageID: nil, status: .queued, at: time
        )
        try db.cachedStatement(sql: """
            INSERT INTO outbox (message_id, conversation_id, channel_id, state, attempts, next_attempt_at, created_at, updated_at)
            VALUES (?, ?, ?, 'pending', 0, ?, ?, ?)
            """).execute(arguments: [
                message.id.rawValue, conversation.id.rawValue, conversation.channelID.rawValue, time.timeIntervalSince1970,
                time.timeIntervalSince1970, time.timeIntervalSince1970,
            ])
        conversation.lastMessageAt = time
        conversation.lastMessagePreview = content.previewText
        conversation.updatedAt = time
        switch sender {
        case .agent, .bot:
            conversation.lastReplyAt = time
            conversation.waitingSince = nil
        case .contact, .system:
            break
        }
        try saveActivity(db, conversation)
        return message
    }

    public func setOptOut(channel: ChannelID, externalID: String, optedOut: Bool, at time: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE identities SET opted_out_at = ? WHERE channel_id = ? AND external_id = ?",
                arguments: [optedOut ? time.timeIntervalSince1970 : nil, channel.rawValue, externalID]
            )
            return db.changesCount > 0
        }
    }

    public func applyReceipt(channel: ChannelID, platformMessageID: String, status: DeliveryStatus) async throws -> Message? {
        try await pool.write { db in
            try Self.advance(
                db, Row.fetchOne(
                    db,
                    sql: "SELECT \(Columns.messageFields) FROM messages WHERE channel_id = ? AND platform_message_id = ? AND direction = 'outbound'",
                    arguments: [channel.rawValue, platformMessageID]
                ), to: status
            )
        }
    }

    /// "Sent up to" is the time the outbox recorded the platform's acceptance, which is after the
    /// platform received the message: a watermark never covers a message still on its way.
    public func applyWatermark(channel: ChannelID, externalID: String, status: DeliveryStatus, upTo: Date) async throws -> [Message] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Columns.messageFields) FROM messages
                    WHERE id IN (SELECT o.message_id FROM outbox o
                                 JOIN conversations c ON c.id = o.conversation_id
                                 JOIN identities i ON i.id = c.identity_id
                                 WHERE i.channel_id = ? AND i.external_id = ? AND o.state = 'done' AND o.updated_at <= ?)
                      AND direction = 'outbound' AND status IN ('sent', 'delivered')
                    ORDER BY id
                    """,
                arguments: [channel.rawValue, externalID, upTo.timeIntervalSince1970]
            )
            return try rows.compactMap { try Self.advance(db, $0, to: status) }
        }
    }

    public func advance(_ id: MessageID, to status: DeliveryStatus) async throws -> Message? {
        try await pool.write { db in
            try Self.advance(db, Row.fetchOne(db, sql: "SELECT \(Columns.messageFields) FROM messages WHERE id = ?", arguments: [id.rawValue]), to: status)
        }
    }

    private static func advance(_ db: Database, _ row: Row?, to status: DeliveryStatus) throws -> Message? {
        guard let row else { return nil }
        var message = Columns.message(row)
        guard message.status.canAdvance(to: status) else { return nil }
        message.status = status
        try saveStatus(db, message)
        return message
    }

    // MARK: - Shared steps, inside a transaction

    static func loadConversation(_ db: Database, _ id: ConversationID) throws -> Conversation? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Columns.conversationFields) FROM conversations WHERE id = ?"), arguments: [id.rawValue])
            .map(Columns.conversation)
    }

    /// Applies a lifecycle command, saves the new state and records the transition event.
    static func transition(
        _ db: Database, _ conversation: inout Conversation, _ command: ConversationCommand,
        by actor: Participant, at time: Date
    ) throws -> ConversationTransition {
        let (state, transition): (ConversationState, ConversationTransition)
        do {
            (state, transition) = try ConversationLifecycle.apply(command, to: conversation.state, by: actor, at: time)
        } catch {
            throw StoreError.lifecycle(error)
        }
        conversation.state = state
        conversation.updatedAt = time
        try db.cachedStatement(sql: """
            UPDATE conversations SET status = ?, assignee_id = ?, close_reason = ?, updated_at = ? WHERE id = ?
            """).execute(arguments: [
                state.status.rawValue, state.assignee?.rawValue, state.closeReason?.rawValue,
                time.timeIntervalSince1970, conversation.id.rawValue,
            ])
        try recordEvent(db, conversation.id, transition)
        return transition
    }

    static func recordEvent(_ db: Database, _ id: ConversationID, _ transition: ConversationTransition) throws {
        let actor = Columns.participant(transition.actor)
        try db.cachedStatement(sql: """
            INSERT INTO conversation_events
                (conversation_id, command, from_status, to_status, previous_assignee_id, assignee_id, actor_kind, actor_id, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                id.rawValue, transition.command.name, transition.from.rawValue, transition.to.rawValue,
                transition.previousAssignee?.rawValue, transition.assignee?.rawValue, actor.kind, actor.id,
                transition.at.timeIntervalSince1970,
            ])
    }

    static func insertMessage(
        _ db: Database, conversation: Conversation, direction: MessageDirection, sender: MessageSender,
        content: MessageContent, platformMessageID: String?, status: DeliveryStatus, at time: Date
    ) throws -> Message {
        var insert = try DirectStatement(db, sql: """
            INSERT INTO messages
                (conversation_id, channel_id, direction, sender_kind, sender_id, content, platform_message_id, status, failure_reason, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insert.bind(conversation.id.rawValue)
        insert.bind(conversation.channelID.rawValue)
        insert.bind(direction.rawValue)
        insert.bind(sender.kindName)
        insert.bind(sender.participantID)
        insert.bind(try Columns.encode(content))
        insert.bind(platformMessageID)
        insert.bind(status.name)
        insert.bind(status.failureReason)
        insert.bind(time.timeIntervalSince1970)
        try insert.execute()
        return Message(
            id: MessageID(db.lastInsertedRowID), conversationID: conversation.id, channelID: conversation.channelID,
            direction: direction, sender: sender, content: content, platformMessageID: platformMessageID,
            status: status, createdAt: time
        )
    }

    /// Saves what the conversation's latest message changed; a customer message's reply token
    /// (LINE), when it carries one, replaces the kept one in the same statement.
    static func saveActivity(_ db: Database, _ conversation: Conversation, replyToken: ReplyToken? = nil) throws {
        var update = try DirectStatement(db, sql: """
            UPDATE conversations SET last_customer_message_at = ?, last_message_at = ?, last_message_preview = ?, updated_at = ?,
                replies_since_customer = ?, last_reply_at = ?, waiting_since = ?,
                reply_token = COALESCE(?, reply_token), reply_token_at = COALESCE(?, reply_token_at)
            WHERE id = ?
            """)
        update.bind(conversation.lastCustomerMessageAt?.timeIntervalSince1970)
        update.bind(conversation.lastMessageAt?.timeIntervalSince1970)
        update.bind(conversation.lastMessagePreview)
        update.bind(conversation.updatedAt.timeIntervalSince1970)
        update.bind(conversation.repliesSinceCustomerMessage)
        update.bind(conversation.lastReplyAt?.timeIntervalSince1970)
        update.bind(conversation.waitingSince?.timeIntervalSince1970)
        update.bind(replyToken?.token)
        update.bind(replyToken?.receivedAt.timeIntervalSince1970)
        update.bind(conversation.id.rawValue)
        try update.execute()
    }

    static func saveStatus(_ db: Database, _ message: Message) throws {
        try db.cachedStatement(sql: """
            UPDATE messages SET status = ?, failure_reason = ?, platform_message_id = ?, route = ?, route_note = ? WHERE id = ?
            """).execute(arguments: [
                message.status.name, message.status.failureReason, message.platformMessageID, message.route?.rawValue,
                message.routeNote, message.id.rawValue,
            ])
    }
}
