import Foundation
import ParleyCore

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
