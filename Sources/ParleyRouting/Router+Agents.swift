import Foundation
import ParleyCore

/// Agent changes: keeping every team's online count and pool of available agents in step with the
/// agent, and reacting when that frees or removes capacity.
extension Router {
    /// Changes a known agent (unknown ids are ignored: the gateway upserts agents before their events).
    mutating func updateAgent(_ id: AgentID, now: Date, _ change: (inout AgentRouting) -> Void) {
        guard var agent = agents[id] else { return }
        let before = agent
        change(&agent)
        replace(before, with: agent, now: now)
    }

    mutating func upsertAgent(_ agent: AgentRouting, now: Date) {
        let agent = Self.sanitized(agent)
        let before = agents[agent.id]
        for team in before?.teams ?? [] where !agent.teams.contains(team) { members[team]?.remove(agent.id) }
        for team in agent.teams { members[team, default: []].insert(agent.id) }
        replace(before, with: agent, now: now)
    }

    mutating func removeAgent(_ id: AgentID, now: Date) {
        guard let before = agents[id] else { return }
        for team in before.teams { members[team]?.remove(id) }
        replace(before, with: nil, now: now)
    }

    /// One more chat for the agent. Only re-indexes: the caller is already deciding, and reacting here
    /// would recurse into another drain.
    mutating func give(_ id: AgentID, now: Date) {
        guard var agent = agents[id] else { return }
        let before = agent
        agent.activeChats += 1
        agent.lastAssignedAt = now
        reindex(before, as: agent)
    }

    /// Swaps the agent's old state for the new one in every index, then reacts: teams that lost their
    /// last online agent overflow, and the teams of an agent who can take more are drained.
    mutating func replace(_ before: AgentRouting?, with after: AgentRouting?, now: Date) {
        reindex(before, as: after)
        if let before, before.presence == .online {
            for team in before.teams where teams[team]?.onlineCount == 0 { sweepAgentless(team, now: now) }
        }
        if let after, after.canTakeMore { drain(after.teams, now: now) }
    }

    /// Moves the agent's entries in the team indexes from `before` to `after` (either may be nil).
    mutating func reindex(_ before: AgentRouting?, as after: AgentRouting?) {
        if let before {
            for teamID in before.teams where teams[teamID] != nil {
                if before.presence == .online { teams[teamID]!.onlineCount -= 1 }
                if before.canTakeMore {
                    let rank = teams[teamID]!.rank(of: before)
                    teams[teamID]!.available.remove(rank)
                }
            }
            agents[before.id] = nil
        }
        if let after {
            for teamID in after.teams where teams[teamID] != nil {
                if after.presence == .online { teams[teamID]!.onlineCount += 1 }
                if after.canTakeMore {
                    let rank = teams[teamID]!.rank(of: after)
                    teams[teamID]!.available.insert(rank)
                }
            }
            agents[after.id] = after
        }
    }
}
