import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: SurveyRepository {
    public func resolve(
        _ id: ConversationID, by actor: Participant, timers: TimerSettings, answerWindow: TimeInterval, at time: Date
    ) async throws(StoreError) -> ResolvedConversation {
        try await write { db in
            guard var conversation = try Self.loadConversation(db, id) else { throw StoreError.notFound("conversation \(id)") }
            let transition = try Self.transition(db, &conversation, .resolve, by: actor, at: time)
            let text = try Self.team(db, of: id).profile.texts.survey
            var survey: Message?
            if !text.isEmpty {
                survey = try Self.appendOutboundRow(db, &conversation, content: .text(text), sender: .system, at: time)
                try db.execute(
                    sql: "UPDATE conversations SET survey_until = ? WHERE id = ?",
                    arguments: [time.addingTimeInterval(answerWindow).timeIntervalSince1970, id.rawValue]
                )
            }
            try Self.syncDeadlines(db, conversation, timers)
            return ResolvedConversation(conversation: conversation, transition: transition, survey: survey)
        }
    }

    public func rating(of id: ConversationID) async throws -> CustomerRating? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT score, at FROM csat_responses WHERE conversation_id = ? ORDER BY id DESC LIMIT 1", arguments: [id.rawValue]
            ).map { CustomerRating(score: $0["score"], at: Date(timeIntervalSince1970: $0["at"])) }
        }
    }

    /// The customer's message answers the survey of their resolved conversation: it is stored as
    /// their message, recorded as the rating and thanked, and the conversation stays resolved.
    /// `nil` when it is no answer — no survey pending, the window passed, or not a rating — and
    /// ingest goes on as for any message; a pending survey ends either way, since only the
    /// customer's next message can answer it.
    static func answerSurvey(_ db: Database, _ resolved: Conversation, _ item: IngestItem, contact: ContactID) throws -> IngestResult? {
        let time = item.receivedAt
        guard let until = try Double.fetchOne(
            db.cachedStatement(sql: "SELECT survey_until FROM conversations WHERE id = ?"), arguments: [resolved.id.rawValue]
        ) else { return nil }
        try db.cachedStatement(sql: "UPDATE conversations SET survey_until = NULL WHERE id = ?").execute(arguments: [resolved.id.rawValue])
        let inbound = item.message
        guard time.timeIntervalSince1970 <= until, case .text(let text) = inbound.content, let score = SurveyRating.score(in: text) else {
            return nil
        }
        var conversation = resolved
        let message = try insertMessage(
            db, conversation: conversation, direction: .inbound, sender: .contact(contact), content: inbound.content,
            platformMessageID: inbound.platformMessageID, status: .received, at: time
        )
        // The customer wrote (reply windows count from here) but waits for nothing: no wait starts.
        conversation.lastCustomerMessageAt = time
        conversation.lastMessageAt = time
        conversation.lastMessagePreview = inbound.content.previewText
        conversation.updatedAt = time
        conversation.repliesSinceCustomerMessage = 0
        try saveActivity(db, conversation, replyToken: inbound.replyToken.map { ReplyToken(token: $0, receivedAt: time) })
        let team = try team(db, of: conversation.id)
        try db.execute(
            sql: """
                INSERT INTO csat_responses (conversation_id, contact_id, message_id, agent_id, resolved_by, team_id, score, at)
                VALUES (?, ?, ?, ?, (SELECT actor_id FROM conversation_events
                                     WHERE conversation_id = ? AND command = 'resolve' AND actor_kind = 'agent' ORDER BY id DESC LIMIT 1), ?, ?, ?)
                """,
            arguments: [
                conversation.id.rawValue, contact.rawValue, message.id.rawValue, conversation.assignee?.rawValue, conversation.id.rawValue,
                team.id?.rawValue, score, time.timeIntervalSince1970,
            ]
        )
        var events: [DomainEvent] = [.messageCreated(message, conversation)]
        let thanks = team.profile.texts.surveyThanks
        if !thanks.isEmpty {
            let reply = try appendOutboundRow(db, &conversation, content: .text(thanks), sender: .system, at: time)
            events.append(.messageCreated(reply, conversation))
        }
        let receipt = IngestReceipt(
            platformMessageID: inbound.platformMessageID, messageID: message.id, conversationID: conversation.id, duplicate: false
        )
        return IngestResult(receipt: receipt, events: events, queuedSends: !thanks.isEmpty)
    }

    /// The team a conversation waits in or was served by (its own, else its channel's) and that
    /// team's profile; no team and the default profile when it has none.
    static func team(_ db: Database, of id: ConversationID) throws -> (id: TeamID?, profile: TeamProfile) {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT t.id, t.profile FROM conversations c JOIN channels ch ON ch.id = c.channel_id
                LEFT JOIN teams t ON t.id = COALESCE(c.team_id, ch.team_id) WHERE c.id = ?
                """,
            arguments: [id.rawValue]
        )
        return ((row?["id"] as Int64?).map(TeamID.init), TeamProfile.stored(row?["profile"]))
    }
}
