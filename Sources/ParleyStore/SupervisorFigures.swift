import Foundation
import ParleyCore

/// One team's figures as the store counts them: its queue now, and what happened since the
/// window's start to the conversations that wait in it (their own team, else their channel's).
/// `team` is nil for the row of conversations without a team.
public struct TeamFigures: Sendable, Equatable {
    public var team: TeamID?
    public var name: String?
    public var members: [AgentID]
    /// Conversations queued now, and since when the one waiting longest waits.
    public var queued = 0
    public var waitingSince: Date?
    /// Conversations that entered the queue in the window; of those, how many an agent took
    /// (from the queue or the leave-message pool) and how many were closed as abandoned.
    public var enteredQueue = 0
    public var pickedUp = 0
    public var abandoned = 0
    /// Conversations the bot opened in the window; of those, how many it handed to a person and
    /// how many ended (resolved or closed) while still with the bot.
    public var botOpened = 0
    public var handedOver = 0
    public var resolvedByBot = 0
    /// Conversations whose first agent reply fell in the window, and the sum of the times from
    /// the customer's first message to that reply.
    public var firstResponses = 0
    public var firstResponseSeconds: Double = 0
    /// Ratings given in the window, counted per score: `ratings[0]` is how many gave 1.
    public var ratings = [Int](repeating: 0, count: SurveyRating.scores.count)

    public init(team: TeamID?, name: String?, members: [AgentID]) {
        self.team = team
        self.name = name
        self.members = members
    }

    public var pickUpRate: Double? { ratio(pickedUp, enteredQueue) }
    public var handOverRate: Double? { ratio(handedOver, botOpened) }
    public var botResolutionRate: Double? { ratio(resolvedByBot, botOpened) }
    public var averageFirstResponse: Double? { firstResponses == 0 ? nil : firstResponseSeconds / Double(firstResponses) }
    public var ratingCount: Int { ratings.reduce(0, +) }
    public var averageRating: Double? {
        ratio(zip(SurveyRating.scores, ratings).reduce(0) { $0 + $1.0 * $1.1 }, ratingCount)
    }

    /// How long the longest-waiting customer has waited at `now` (0 with nobody waiting).
    public func longestWait(at now: Date) -> TimeInterval {
        waitingSince.map { max(0, now.timeIntervalSince($0)) } ?? 0
    }

    /// Both rows' counts together (the queue's oldest wait is the earlier one); keeps this row's
    /// team, name and members.
    public func adding(_ other: TeamFigures) -> TeamFigures {
        var sum = self
        sum.queued += other.queued
        sum.waitingSince = [waitingSince, other.waitingSince].compactMap { $0 }.min()
        sum.enteredQueue += other.enteredQueue
        sum.pickedUp += other.pickedUp
        sum.abandoned += other.abandoned
        sum.botOpened += other.botOpened
        sum.handedOver += other.handedOver
        sum.resolvedByBot += other.resolvedByBot
        sum.firstResponses += other.firstResponses
        sum.firstResponseSeconds += other.firstResponseSeconds
        sum.ratings = zip(ratings, other.ratings).map(+)
        return sum
    }

    private func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }
}

/// An agent's presence and load, for the figures.
public struct AgentFigures: Sendable, Equatable {
    public var id: AgentID
    public var name: String
    /// `online`, `away` or `offline`.
    public var presence: String
    public var capacity: Int
    public var activeChats: Int
    public var teams: [TeamID]

    public init(id: AgentID, name: String, presence: String, capacity: Int, activeChats: Int, teams: [TeamID]) {
        self.id = id
        self.name = name
        self.presence = presence
        self.capacity = capacity
        self.activeChats = activeChats
        self.teams = teams
    }
}

/// A row's agents now: how many are in each presence, the chats they hold, and how many chats
/// those online can hold.
public struct TeamLoad: Sendable, Equatable {
    public var online = 0
    public var away = 0
    public var offline = 0
    public var activeChats = 0
    public var onlineCapacity = 0

    public init(_ agents: [AgentFigures]) {
        for agent in agents {
            switch agent.presence {
            case "online":
                online += 1
                onlineCapacity += agent.capacity
            case "away": away += 1
            default: offline += 1
            }
            activeChats += agent.activeChats
        }
    }
}

/// What supervisors watch, read in one transaction: each team's row (by id), then the row of
/// conversations without a team, and every agent.
public struct SupervisorFigures: Sendable, Equatable {
    public var since: Date
    public var at: Date
    public var teams: [TeamFigures]
    public var agents: [AgentFigures]

    public init(since: Date, at: Date, teams: [TeamFigures], agents: [AgentFigures]) {
        self.since = since
        self.at = at
        self.teams = teams
        self.agents = agents
    }

    /// Every row together: each conversation counts in exactly one row, so the sums are the
    /// whole. Its members are every agent.
    public var total: TeamFigures {
        teams.reduce(TeamFigures(team: nil, name: nil, members: agents.map(\.id))) { $0.adding($1) }
    }

    /// The agents of a row, in id order.
    public func members(of row: TeamFigures) -> [AgentFigures] {
        let ids = Set(row.members)
        return agents.filter { ids.contains($0.id) }
    }

    public func load(of row: TeamFigures) -> TeamLoad {
        TeamLoad(members(of: row))
    }
}

/// Supervisors' live figures, counted from conversations, their lifecycle events, messages and
/// ratings.
public protocol FiguresRepository: Sendable {
    /// The queues and agents as they are now; rates and averages over what happened from `since`.
    func supervisorFigures(since: Date, at now: Date) async throws -> SupervisorFigures
}
