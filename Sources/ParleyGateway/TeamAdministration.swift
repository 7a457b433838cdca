import Foundation
import ParleyCore
import ParleyRouting
import ParleyStore

/// Configuring teams, membership, the team each channel's conversations wait in, and agents'
/// capacity — checked here, naming the field, before anything is stored. `parleyd team` and
/// `parleyd agent capacity` use it directly; the API goes through `Gateway`, which adds who may
/// do it and tells the routing service at once (another process's change reaches a running
/// server's routing at its periodic rebuild).
public struct TeamAdministration: Sendable {
    let teams: any RoutingRepository
    let agents: any AgentRepository
    let clock: any WallClock

    public init(teams: any RoutingRepository, agents: any AgentRepository, clock: any WallClock = SystemClock()) {
        self.teams = teams
        self.agents = agents
        self.clock = clock
    }

    public func list() async throws(GatewayError) -> [TeamRecord] {
        do { return try await teams.teams() } catch { throw GatewayError.unavailable("\(error)") }
    }

    /// Creates a team (`id` nil) or replaces its settings.
    public func saveTeam(
        id: TeamID?, name: String, strategy: String, stickyWindow: String?, overflowTeam: TeamID?, overflowAfter: String?,
        profile: TeamProfile = TeamProfile()
    ) async throws(GatewayError) -> TeamRecord {
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
        let known = try await list()
        if let overflowTeam {
            guard known.contains(where: { $0.id == overflowTeam }) else {
                throw GatewayError.invalid(field: "overflowTeamId", reason: "no team \(overflowTeam)")
            }
            guard overflowTeam != id else { throw GatewayError.invalid(field: "overflowTeamId", reason: "a team cannot overflow into itself") }
        }
        if let id, !known.contains(where: { $0.id == id }) { throw GatewayError.notFound("team \(id) not found") }
        do {
            return try await teams.saveTeam(
                id: id, name: trimmed, strategy: strategy, stickyWindow: sticky, overflowTeam: overflowTeam, overflowAfter: overflowWait,
                profile: profile, at: clock.now()
            )
        } catch {
            throw GatewayError(error)
        }
    }

    /// Adds an agent to a team or removes them (either is a no-op when already so).
    public func setMembership(team: TeamID, agent: AgentID, member: Bool) async throws(GatewayError) {
        try await requireTeam(team)
        try await requireAgent(agent)
        do { try await teams.setMembership(team: team, agent: agent, member: member) } catch { throw GatewayError(error) }
    }

    /// The team a channel's new conversations wait in; `nil` turns routing off for it.
    public func setChannelTeam(_ channel: ChannelID, team: TeamID?) async throws(GatewayError) {
        if let team { try await requireTeam(team) }
        do { try await teams.setChannelTeam(channel, team: team) } catch { throw GatewayError(error) }
    }

    /// How many chats the agent holds at once.
    public func setCapacity(_ capacity: Int, of agent: AgentID) async throws(GatewayError) {
        guard (0...100).contains(capacity) else { throw GatewayError.invalid(field: "capacity", reason: "must be 0 to 100 chats") }
        try await requireAgent(agent)
        do { try await teams.setCapacity(agent, capacity: capacity) } catch { throw GatewayError(error) }
    }

    func requireTeam(_ id: TeamID) async throws(GatewayError) {
        guard try await list().contains(where: { $0.id == id }) else { throw GatewayError.notFound("team \(id) not found") }
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
