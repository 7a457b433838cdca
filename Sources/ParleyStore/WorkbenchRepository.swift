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
}
