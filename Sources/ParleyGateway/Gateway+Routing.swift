import Foundation
import ParleyCore
import ParleyRouting
import ParleyStore

/// Teams, presence and capacity: what admins configure and agents set, each change handed to
/// the routing service at once so the queue drains as soon as capacity appears.
extension Gateway {
    public func teams(for agent: Agent) async throws(GatewayError) -> [TeamRecord] {
        do { return try await teams.teams() } catch { throw GatewayError.unavailable("\(error)") }
    }

    /// Creates a team (`id` nil) or replaces its settings. Admins only.
    public func saveTeam(
        id: TeamID?, name: String, strategy: String, stickyWindow: String?, overflowTeam: TeamID?, overflowAfter: String?,
        profile: TeamProfile = TeamProfile(), by agent: Agent
    ) async throws(GatewayError) -> TeamRecord {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins configure teams") }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 100, !trimmed.contains(where: \.isNewline) else {
            throw GatewayError.invalid(field: "name", reason: "must be one line of 1 to 100 characters")
        }
        guard RoutingStrategy(rawValue: strategy) != nil else {
            throw GatewayError.invalid(field: "strategy", reason: "'\(strategy)' is not one of \(RoutingStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let sticky = try Self.duration(stickyWindow, field: "stickyWindow")
        let overflowWait = try Self.duration(overflowAfter, field: "overflowAfter")
        _ = try profile.businessHours()
        try profile.validateTexts()
        try profile.validateBot()
        do {
            let known = try await teams.teams()
            if let overflowTeam {
                guard known.contains(where: { $0.id == overflowTeam }) else {
                    throw GatewayError.invalid(field: "overflowTeamId", reason: "no team \(overflowTeam)")
                }
                guard overflowTeam != id else { throw GatewayError.invalid(field: "overflowTeamId", reason: "a team cannot overflow into itself") }
            }
            if let id, !known.contains(where: { $0.id == id }) { throw GatewayError.notFound("team \(id) not found") }
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.unavailable("\(error)")
        }
        let team: TeamRecord
        do {
            team = try await teams.saveTeam(
                id: id, name: trimmed, strategy: strategy, stickyWindow: sticky, overflowTeam: overflowTeam, overflowAfter: overflowWait,
                profile: profile, at: clock.now()
            )
        } catch {
            throw GatewayError(error)
        }
        await routing.rebuild()
        return team
    }

    /// Adds an agent to a team or removes them. Admins only.
    public func setTeamMembership(team: TeamID, agent member: AgentID, member isMember: Bool, by agent: Agent) async throws(GatewayError) {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins change team membership") }
        try await requireTeam(team)
        try await requireAgent(member)
        do { try await teams.setMembership(team: team, agent: member, member: isMember) } catch { throw GatewayError(error) }
        await routing.agentsChanged([member])
    }

    /// The team a channel's new conversations wait in; `nil` turns routing off for it. Admins only.
    public func setChannelTeam(_ channel: ChannelID, team: TeamID?, by agent: Agent) async throws(GatewayError) {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins map channels to teams") }
        if let team { try await requireTeam(team) }
        do { try await teams.setChannelTeam(channel, team: team) } catch { throw GatewayError(error) }
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
        guard (0...100).contains(capacity) else { throw GatewayError.invalid(field: "capacity", reason: "must be 0 to 100 chats") }
        try await requireAgent(target)
        do { try await teams.setCapacity(target, capacity: capacity) } catch { throw GatewayError(error) }
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

    private func requireTeam(_ id: TeamID) async throws(GatewayError) {
        let known: Bool
        do { known = try await teams.teams().contains { $0.id == id } } catch { throw GatewayError.unavailable("\(error)") }
        guard known else { throw GatewayError.notFound("team \(id) not found") }
    }

    private func requireAgent(_ id: AgentID) async throws(GatewayError) {
        let found: Agent?
        do { found = try await agents.agent(id) } catch { throw GatewayError.unavailable("\(error)") }
        guard found != nil else { throw GatewayError.notFound("agent \(id) not found") }
    }

    private static func duration(_ text: String?, field: String) throws(GatewayError) -> TimeInterval {
        guard let text else { return 0 }
        do { return try DurationText.parse(text) } catch {
            throw GatewayError.invalid(field: field, reason: "'\(text)' is not a duration such as 90s, 15m, 2h or 0s")
        }
    }
}
