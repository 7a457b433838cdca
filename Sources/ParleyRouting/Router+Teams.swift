import Foundation
import ParleyCore

/// Team configuration changes.
extension Router {
    /// Adds a team or replaces its config. A changed strategy rebuilds the agent pool (and restarts
    /// round-robin), changed priority rules or time zone re-rank the queue, a changed overflow rule
    /// re-arms every wait threshold. Then the team overflows if nobody is online and is drained.
    mutating func upsertTeam(_ config: TeamRouting, now: Date) {
        let id = config.id
        if var team = teams[id] {
            let old = team.config
            teams[id] = nil  // edit the value alone, so its arrays are not copied on write
            team.replaceConfig(config)
            if old.strategy != config.strategy {
                team.available = SortedArray(availableMembers(of: id).map(team.rank(of:)))
                team.roundRobinCursor = nil
            }
            if old.priority != config.priority || old.timeZone != config.timeZone {
                var keys: [QueueKey] = []
                keys.reserveCapacity(team.queue.count)
                for key in team.queue.elements {
                    guard var waiting = queued[key.conversation] else { continue }
                    waiting.key = team.queueKey(for: waiting.entry)
                    queued[key.conversation] = waiting
                    keys.append(waiting.key)
                }
                team.queue = SortedArray(keys)
                log.queueChanged(id, at: 1)
            }
            if old.overflow != config.overflow {
                team.waiting = SortedArray(team.queue.elements.compactMap { queued[$0.conversation]?.waitKey })
            }
            teams[id] = team
        } else {
            var team = TeamState(config: config)
            for agentID in members[id] ?? [] {
                guard let agent = agents[agentID] else { continue }
                if agent.presence == .online { team.onlineCount += 1 }
                if agent.canTakeMore { team.available.insert(team.rank(of: agent)) }
            }
            teams[id] = team
            teamOrder.insert(id, at: teamOrder.firstIndex { $0 > id } ?? teamOrder.endIndex)
        }
        sweepAgentless(id, now: now)
        drain(CollectionOfOne(id), now: now)
    }

    private func availableMembers(of team: TeamID) -> [AgentRouting] {
        (members[team] ?? []).compactMap { agents[$0] }.filter(\.canTakeMore)
    }
}
