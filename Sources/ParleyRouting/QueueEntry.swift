import Foundation
import ParleyCore

/// A conversation waiting for an agent, with the facts its priority and sticky routing depend on.
/// The gateway fills these from the contact and its history; the router never reads the store.
public struct QueueEntry: Sendable, Equatable {
    public var conversationID: ConversationID
    /// The team whose queue it waits in.
    public var team: TeamID
    /// When the customer started waiting. Kept across overflow and team transfers, so moving a
    /// customer never sends them to the back of the line.
    public var enqueuedAt: Date
    /// When it entered `team`'s queue (defaults to `enqueuedAt`): the overflow wait threshold counts
    /// from here, so a conversation that just overflowed is not overdue in its new team at once.
    public var enteredTeamAt: Date
    public var isVIP: Bool
    public var isRepeatVisitor: Bool
    /// When this customer's previous queue ended without an agent (abandoned, left a message), if ever.
    public var lastFailedQueueAt: Date?
    /// The agent who last served the contact, for sticky routing.
    public var previousAgent: PreviousAgent?
    /// Teams this conversation has overflowed out of; it never overflows back into them.
    public var overflowedFrom: Set<TeamID>
    /// The agent who let this customer wait past the channel's agent-reply timeout. The escalated
    /// conversation goes to another agent of the team first, then to the overflow team, and back to
    /// this agent only when nobody else can take it; the sticky rule never picks them.
    public var escalatedFrom: AgentID?
    /// The agent who served this conversation before the customer reopened it (within the
    /// channel's reopen window): they get it back first when online with a free slot, whatever the
    /// team's sticky window.
    public var reopenedFrom: AgentID?

    public init(
        conversationID: ConversationID, team: TeamID, enqueuedAt: Date, enteredTeamAt: Date? = nil, isVIP: Bool = false,
        isRepeatVisitor: Bool = false, lastFailedQueueAt: Date? = nil, previousAgent: PreviousAgent? = nil,
        overflowedFrom: Set<TeamID> = [], escalatedFrom: AgentID? = nil, reopenedFrom: AgentID? = nil
    ) {
        self.conversationID = conversationID
        self.team = team
        self.enqueuedAt = enqueuedAt
        self.enteredTeamAt = enteredTeamAt ?? enqueuedAt
        self.isVIP = isVIP
        self.isRepeatVisitor = isRepeatVisitor
        self.lastFailedQueueAt = lastFailedQueueAt
        self.previousAgent = previousAgent
        self.overflowedFrom = overflowedFrom
        self.escalatedFrom = escalatedFrom
        self.reopenedFrom = reopenedFrom
    }

    /// A failed queue on the same local day, before this one began.
    func failedEarlierToday(calendar: Calendar) -> Bool {
        guard let failed = lastFailedQueueAt, failed <= enqueuedAt else { return false }
        return calendar.isDate(failed, inSameDayAs: enqueuedAt)
    }
}

/// The agent who last served a contact and when that conversation ended (or was last active).
public struct PreviousAgent: Sendable, Equatable {
    public var agent: AgentID
    public var servedAt: Date

    public init(agent: AgentID, servedAt: Date) {
        self.agent = agent
        self.servedAt = servedAt
    }
}
