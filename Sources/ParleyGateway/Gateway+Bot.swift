import Foundation
import ParleyCore
import ParleyRouting
import ParleyStore

/// A knowledge-base entry an agent may send, and how sure the match is.
public struct SuggestedAnswer: Sendable {
    public var entryID: String
    public var question: String
    public var answer: String
    public var confidence: Double
    /// The bot itself would send it (the confidence reaches the team bot's threshold).
    public var confident: Bool
}

/// The knowledge base, suggested answers and VIP contacts.
extension Gateway {
    static let emptyKnowledgeBase = Data(#"{"entries":[]}"#.utf8)

    /// The knowledge base as an admin last saved it (`{"entries":[]}` before that).
    public func knowledgeBaseDocument() async throws(GatewayError) -> Data {
        do { return try await bots.knowledgeBase()?.document ?? Self.emptyKnowledgeBase } catch { throw GatewayError.unavailable("\(error)") }
    }

    /// Replaces the knowledge base with `document` (the JSON `KnowledgeBase(json:)` reads). Admins
    /// only; a refusal names the entry and field. Returns the number of entries.
    @discardableResult
    public func saveKnowledgeBase(_ document: Data, by agent: Agent) async throws(GatewayError) -> Int {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins change the knowledge base") }
        let knowledgeBase: KnowledgeBase
        do {
            knowledgeBase = try KnowledgeBase(json: document)
        } catch {
            throw GatewayError.invalid(field: error.field.isEmpty ? "body" : error.field, reason: error.problem)
        }
        do { try await bots.saveKnowledgeBase(document, at: clock.now()) } catch { throw GatewayError(error) }
        logger.info("knowledge base saved", metadata: ["entries": "\(knowledgeBase.entries.count)", "by": "\(agent.id)"])
        return knowledgeBase.entries.count
    }

    /// Knowledge-base answers for a customer message (`message` nil: the customer's latest), best
    /// first, matched for the conversation's team.
    public func suggestedAnswers(
        in id: ConversationID, message messageID: MessageID?, limit: Int, for agent: Agent
    ) async throws(GatewayError) -> (message: Message?, answers: [SuggestedAnswer]) {
        _ = try await conversation(id, for: agent)
        guard (1...20).contains(limit) else { throw GatewayError.invalid(field: "limit", reason: "must be between 1 and 20") }
        do {
            let message: Message?
            if let messageID {
                guard let found = try await media.message(messageID), found.conversationID == id, found.direction == .inbound else {
                    throw GatewayError.invalid(field: "messageId", reason: "no customer message \(messageID.rawValue) in conversation \(id.rawValue)")
                }
                message = found
            } else {
                message = try await conversations.messages(in: id, before: nil, limit: 50).last { $0.direction == .inbound }
            }
            guard let message, let text = BotService.botText(message.content), !text.isEmpty else { return (message, []) }
            let team = try await bots.team(of: id)
            let settings = try await teams.teams().first { $0.id == team }?.profile.bot
            let (matches, threshold) = try await bot.suggestions(for: text, team: team, settings: settings, limit: limit)
            let answers = matches.map { match in
                SuggestedAnswer(
                    entryID: match.entry.id, question: match.question, answer: match.entry.answer, confidence: match.confidence,
                    confident: match.confidence >= threshold
                )
            }
            return (message, answers)
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.unavailable("\(error)")
        }
    }

    /// An external bot gives the customer to a person: the conversation is queued and routed like
    /// any other, the customer hears the team bot's hand-over text, and agents read `reason` in a
    /// note. Bot accounts only; a conversation no longer with the bot is not found (404), as a bot
    /// account sees only those.
    public func handOverFromBot(_ id: ConversationID, reason: String?, by agent: Agent) async throws(GatewayError) -> Conversation {
        guard agent.role == .bot else { throw GatewayError.forbidden("only a bot account hands conversations over; agents claim them") }
        let why = reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard why.count <= 1_000 else { throw GatewayError.invalid(field: "reason", reason: "longer than 1,000 characters") }
        _ = try await conversation(id, for: agent)
        await bot.handOver([id], because: .external(why))
        let after: Conversation?
        do { after = try await conversations.conversation(id) } catch { throw GatewayError.unavailable("\(error)") }
        guard let after, after.status != .bot else { throw GatewayError.unavailable("conversation \(id.rawValue) could not be handed over; try again") }
        return after
    }

    /// Tags the contact VIP (or removes the tag). Supervisors and admins. A VIP talking to a bot is
    /// handed to a person at once, and a waiting VIP moves ahead in the queue where the team's
    /// priority rules say so.
    public func setVIP(_ contact: ContactID, _ vip: Bool, by agent: Agent) async throws(GatewayError) {
        guard agent.oversees else { throw GatewayError.forbidden("only supervisors and admins tag VIPs") }
        let open: (withBot: [ConversationID], queued: [ConversationID])
        do { open = try await bots.setVIP(contact, vip) } catch { throw GatewayError(error) }
        logger.info("contact VIP tag changed", metadata: ["contact": "\(contact)", "vip": "\(vip)", "by": "\(agent.id)"])
        if vip { await bot.handOver(open.withBot, because: .vip) }
        await routing.conversationsChanged(open.queued)
    }
}
