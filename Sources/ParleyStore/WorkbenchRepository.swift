import Foundation
import ParleyCore

/// Where a transfer sends a conversation.
public enum TransferDestination: Sendable, Equatable {
    /// To this agent, who must hold fewer than `capacity` chats when the write happens.
    case agent(AgentID, capacity: Int)
    /// Into this team's queue (an assigned conversation is released to it).
    case team(TeamID)
}

public struct TransferResult: Sendable {
    public var conversation: Conversation
    /// Nil when a queued conversation only changed team.
    public var transition: ConversationTransition?
    /// The internal note saying who moved it where, and why.
    public var note: Message
}

/// A label in use and how many conversations carry it.
public struct LabelCount: Sendable, Equatable {
    public var label: String
    public var conversations: Int

    public init(label: String, conversations: Int) {
        self.label = label
        self.conversations = conversations
    }
}

/// Agents' actions on a conversation other than replying and its lifecycle commands.
public protocol WorkbenchRepository: Sendable {
    /// An internal note: agents see it, the customer never does.
    func addNote(to id: ConversationID, text: String, by agent: AgentID, at time: Date) async throws(StoreError) -> (Message, Conversation)
    /// Gives the conversation to `target` if it is still as the caller saw it (`expected` status
    /// and assignee) and the target holds fewer chats than their capacity, both checked with the
    /// write: two agents claiming one conversation, or a claim racing routing, cannot both win,
    /// and nobody is pushed past capacity. Refused with a conflict that says which.
    func assign(
        _ id: ConversationID, to target: AgentID, expecting expected: ConversationState, by actor: AgentID, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> (Conversation, ConversationTransition)
    /// Moves the conversation, with its history, and records `note` in the same transaction.
    /// Refused (conflict) when the receiving agent is full or the conversation cannot be queued.
    func transfer(
        _ id: ConversationID, to target: TransferDestination, note: String, by agent: AgentID, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> TransferResult
    /// Puts `label` on the conversation (`present`) or takes it off, and returns the conversation
    /// as it is then. `changed` is false, and nothing written, when it already was so. The
    /// conversation's `updatedAt` is left alone: a label is no activity, and the reopen window
    /// counts from it.
    func setLabel(
        _ label: String, on id: ConversationID, present: Bool, at time: Date
    ) async throws(StoreError) -> (conversation: Conversation, changed: Bool)
    /// Every label in use with the number of conversations carrying it, most used first, then by name.
    func labelCounts() async throws -> [LabelCount]
}
