import Foundation
import ParleyCore
import ParleyRouting
import ParleyStore

/// Teams, presence and capacity: what admins configure and agents set, each change handed to
/// the routing service at once so the queue drains as soon as capacity appears.
extension Gateway {
    /// The checks and writes behind team configuration, shared with `parleyd team`.
    public var teamAdministration: TeamAdministration {
        TeamAdministration(teams: teams, agents: agents, clock: clock)
    }

    public func teams(for agent: Agent) async throws(GatewayError) -> [TeamRecord] {
        try await teamAdministration.list()
    }

    /// Creates a team (`id` nil) or replaces its settings. Admins only.
    public func saveTeam(
        id: TeamID?, name: String, strategy: String, stickyWindow: String?, overflowTeam: TeamID?, overflowAfter: String?,
        profile: TeamProfile = TeamProfile(), by agent: Agent
    ) async throws(GatewayError) -> TeamRecord {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins configure teams") }
        let team = try await teamAdministration.saveTeam(
            id: id, name: name, strategy: strategy, stickyWindow: stickyWindow, overflowTeam: overflowTeam, overflowAfter: overflowAfter,
            profile: profile
        )
        await routing.rebuild()
        return team
    }

    /// Adds an agent to a team or removes them. Admins only.
    public func setTeamMembership(team: TeamID, agent member: AgentID, member isMember: Bool, by agent: Agent) async throws(GatewayError) {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins change team membership") }
        try await teamAdministration.setMembership(team: team, agent: member, member: isMember)
        await routing.agentsChanged([member])
    }

    /// The team a channel's new conversations wait in; `nil` turns routing off for it. Admins only.
    public func setChannelTeam(_ channel: ChannelID, team: TeamID?, by agent: Agent) async throws(GatewayError) {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins map channels to teams") }
        try await teamAdministration.setChannelTeam(channel, team: team)
        await routing.rebuild()
    }

    /// An agent says whether they take chats now: `online`, `away` or `offline`.
    public func setPresence(_ presence: String, by agent: Agent) async throws(GatewayError) {
        guard Presence(rawValue: presence) != nil else {
            throw GatewayError.invalid(field: "presence", reason: "'\(presence)' is not one of online, away, offline")
        }
        do { try await teams.setPresence(agent.id, presence: presence) } catch { throw GatewayError(error) }
        await routing.agentsChanged([agent.id])
    }

    /// How many chats an agent holds at once. Admins and supervisors.
    public func setCapacity(_ capacity: Int, of target: AgentID, by agent: Agent) async throws(GatewayError) {
        guard agent.oversees else { throw GatewayError.forbidden("only admins and supervisors set an agent's capacity") }
        try await teamAdministration.setCapacity(capacity, of: target)
        await routing.agentsChanged([target])
    }

    /// Agents with their presence, capacity, teams and the chats they hold now.
    public func agentLoads(for agent: Agent) async throws(GatewayError) -> [(Agent, AgentLoad)] {
        do {
            let loads = Dictionary(try await teams.agentLoads(nil).map { ($0.id, $0) }, uniquingKeysWith: { $1 })
            return try await agents.agents().compactMap { known in loads[known.id].map { (known, $0) } }
        } catch {
            throw GatewayError.unavailable("\(error)")
        }
    }
}
