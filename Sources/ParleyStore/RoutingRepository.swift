import Foundation
import ParleyCore

/// A team as configured: who is in it and how it assigns.
public struct TeamRecord: Sendable, Equatable {
    public var id: TeamID
    public var name: String
    /// `least-busy`, `round-robin` or `manual-claim`.
    public var strategy: String
    /// How long after serving a contact an agent gets them back first (0: never).
    public var stickyWindow: TimeInterval
    public var overflowTeam: TeamID?
    /// How long a conversation waits before it moves to the overflow team (0: only when nobody is online).
    public var overflowAfter: TimeInterval
    public var members: [AgentID]
    public var profile: TeamProfile

    public init(
        id: TeamID, name: String, strategy: String, stickyWindow: TimeInterval = 0, overflowTeam: TeamID? = nil,
        overflowAfter: TimeInterval = 0, members: [AgentID] = [], profile: TeamProfile = TeamProfile()
    ) {
        self.id = id
        self.name = name
        self.strategy = strategy
        self.stickyWindow = stickyWindow
        self.overflowTeam = overflowTeam
        self.overflowAfter = overflowAfter
        self.members = members
        self.profile = profile
    }
}

/// An agent as routing sees them: presence, capacity, and the chats they hold now.
public struct AgentLoad: Sendable, Equatable {
    public var id: AgentID
    public var teams: [TeamID]
    /// `online`, `away` or `offline`.
    public var presence: String
    public var capacity: Int
    public var activeChats: Int
    public var lastAssignedAt: Date?

    public init(id: AgentID, teams: [TeamID], presence: String, capacity: Int, activeChats: Int, lastAssignedAt: Date?) {
        self.id = id
        self.teams = teams
        self.presence = presence
        self.capacity = capacity
        self.activeChats = activeChats
        self.lastAssignedAt = lastAssignedAt
    }
}

/// A queued conversation with a team to wait in (its own, else its channel's).
public struct WaitingConversation: Sendable, Equatable {
    public var id: ConversationID
    public var channelID: ChannelID
    public var team: TeamID
    public var waitingSince: Date
    /// The contact had conversations before this one.
    public var repeatVisitor: Bool
    /// The last agent who served the contact, and when: the sticky rule offers it to them first.
    public var previousAgent: AgentID?
    public var previouslyServedAt: Date?
    /// The agent it was taken from because the customer waited past the agent-reply timeout.
    public var escalatedFrom: AgentID?
    /// The agent who had served it when the customer reopened it by writing again.
    public var reopenedFrom: AgentID?
    /// The contact is tagged VIP.
    public var isVIP: Bool
    /// When the contact last gave up waiting in a queue (a conversation closed as abandoned
    /// while queued), if ever.
    public var lastFailedQueueAt: Date?

    public init(
        id: ConversationID, channelID: ChannelID, team: TeamID, waitingSince: Date, repeatVisitor: Bool, previousAgent: AgentID?,
        previouslyServedAt: Date?, escalatedFrom: AgentID? = nil, reopenedFrom: AgentID? = nil, isVIP: Bool = false,
        lastFailedQueueAt: Date? = nil
    ) {
        self.isVIP = isVIP
        self.lastFailedQueueAt = lastFailedQueueAt
        self.id = id
        self.channelID = channelID
        self.team = team
        self.waitingSince = waitingSince
        self.repeatVisitor = repeatVisitor
        self.previousAgent = previousAgent
        self.previouslyServedAt = previouslyServedAt
        self.escalatedFrom = escalatedFrom
        self.reopenedFrom = reopenedFrom
    }
}

/// Teams, presence and capacity, and the conditional write that assigns from the queue.
public protocol RoutingRepository: Sendable {
    func teams() async throws -> [TeamRecord]
    func team(named name: String) async throws -> TeamRecord?
    /// Creates the team (`id` nil) or replaces its settings; members are kept as they are.
    func saveTeam(
        id: TeamID?, name: String, strategy: String, stickyWindow: TimeInterval, overflowTeam: TeamID?, overflowAfter: TimeInterval,
        profile: TeamProfile, at time: Date
    ) async throws(StoreError) -> TeamRecord
    func setMembership(team: TeamID, agent: AgentID, member: Bool) async throws(StoreError)
    /// The team a channel's new conversations wait in (`nil`: no routing, agents take them by hand).
    func setChannelTeam(_ channel: ChannelID, team: TeamID?) async throws(StoreError)
    func channelTeam(_ channel: ChannelID) async throws -> TeamID?
    func setPresence(_ agent: AgentID, presence: String) async throws(StoreError)
    func setCapacity(_ agent: AgentID, capacity: Int) async throws(StoreError)
    /// Teams, agents and the queue read in one transaction, so a team's settings and the
    /// conversations waiting in it are never from two different moments.
    func routingState() async throws -> RoutingState
    /// The agents named (all when `nil`), with the chats each holds now.
    func agentLoads(_ ids: [AgentID]?) async throws -> [AgentLoad]
    /// Tells a customer who still waits in the queue something (their place, that nobody is
    /// online): a system message through the outbox. `nil`, and nothing written, when the
    /// conversation is no longer queued.
    func tellWaiting(_ id: ConversationID, _ text: String, at time: Date) async throws(StoreError) -> (Message, Conversation)?
    /// The team is closed: the queued conversation goes to the leave-message pool (`pending`)
    /// and, when `notice` is not empty, the customer is told so — one transaction. `nil` when it
    /// is no longer queued.
    func leaveForLater(
        _ id: ConversationID, notice: String, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> (Conversation, ConversationTransition, Message?)?
    /// The queued conversations named (all when `nil`) that have a team to wait in.
    func waitingConversations(_ ids: [ConversationID]?) async throws -> [WaitingConversation]
    /// Assigns a queued conversation to `agent` when it is still queued and the agent holds fewer
    /// than `capacity` chats — checked in the same transaction as the write, so two routers (or a
    /// router and an agent's own claim) can never assign it twice or overfill an agent. `nil` when
    /// either check fails.
    func assignFromQueue(
        _ id: ConversationID, to agent: AgentID, capacity: Int, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> (Conversation, ConversationTransition)?
    /// The conversation now waits in `team` (overflow).
    func moveToTeam(_ id: ConversationID, team: TeamID) async throws(StoreError)
}

/// Everything routing loads at start or rebuild, as of one moment.
public struct RoutingState: Sendable {
    public var teams: [TeamRecord]
    public var agents: [AgentLoad]
    public var waiting: [WaitingConversation]

    public init(teams: [TeamRecord], agents: [AgentLoad], waiting: [WaitingConversation]) {
        self.teams = teams
        self.agents = agents
        self.waiting = waiting
    }
}
