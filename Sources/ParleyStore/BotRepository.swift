import Foundation
import ParleyCore

/// What the bot needs to answer a conversation: the customer's messages it has not read yet.
public struct BotWork: Sendable {
    public var conversation: Conversation
    /// The conversation's team (its own, else its channel's).
    public var team: TeamID?
    /// The team's bot; nil when the team no longer has one (the customer then goes to a person).
    public var bot: TeamBot?
    public var contactIsVIP: Bool
    /// Misses in a row so far.
    public var misses: Int
    /// The last customer message the bot has answered (0: none).
    public var readThrough: Int64
    /// Customer messages after `readThrough`, oldest first.
    public var unread: [Message]
    /// When the knowledge base last changed (nil: there is none).
    public var knowledgeBaseUpdatedAt: Date?
}

/// What the bot did with a conversation's unread messages, to be written in one transaction.
public struct BotTurn: Sendable {
    public var conversation: ConversationID
    /// The `readThrough` the turn was computed from: a turn over a stale read is refused.
    public var readFrom: Int64
    public var readThrough: Int64
    public var replies: [String]
    public var misses: Int
    public var handOver: BotHandOver?

    public init(conversation: ConversationID, readFrom: Int64, readThrough: Int64, replies: [String], misses: Int, handOver: BotHandOver?) {
        self.conversation = conversation
        self.readFrom = readFrom
        self.readThrough = readThrough
        self.replies = replies
        self.misses = misses
        self.handOver = handOver
    }
}

/// The bot gives the customer to a person: the customer is told (`text`, empty for nothing) and
/// the agents read why (`note`).
public struct BotHandOver: Sendable {
    public var text: String
    public var note: String
    public var timers: TimerSettings

    public init(text: String, note: String, timers: TimerSettings) {
        self.text = text
        self.note = note
        self.timers = timers
    }
}

/// The result of a written turn: what agents and the customer's channel must hear of.
public struct BotTurnWritten: Sendable {
    public var conversation: Conversation
    public var messages: [Message]
    public var transition: ConversationTransition?
}

/// The FAQ bot's state in the store: the knowledge base, each conversation's progress, VIPs.
public protocol BotRepository: Sendable {
    /// The knowledge-base document as an admin last saved it, and when.
    func knowledgeBase() async throws -> (document: Data, updatedAt: Date)?
    func saveKnowledgeBase(_ document: Data, at time: Date) async throws(StoreError)
    /// Conversations with the bot that have customer messages it has not answered.
    func conversationsAwaitingBot(limit: Int) async throws -> [ConversationID]
    func botWork(_ id: ConversationID) async throws -> BotWork?
    /// Nil when the conversation left the bot or another turn read it first.
    func recordBotTurn(_ turn: BotTurn, at time: Date) async throws(StoreError) -> BotTurnWritten?
    /// Tags or untags the contact; returns its conversations with the bot and those in a queue.
    func setVIP(_ contact: ContactID, _ vip: Bool) async throws(StoreError) -> (withBot: [ConversationID], queued: [ConversationID])
    /// The conversation's team (its own, else its channel's).
    func team(of conversation: ConversationID) async throws -> TeamID?
}
