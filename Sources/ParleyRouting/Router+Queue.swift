import Foundation
import ParleyCore

/// Queueing and serving: admitting a conversation, filing it in its team's indexes, and draining
/// queues into free agent slots.
extension Router {
    mutating func enqueue(_ entry: QueueEntry, now: Date) {
        let id = entry.conversationID
        if let waiting = queued[id] { return refuse(id, .alreadyQueued(id, in: waiting.entry.team)) }
        guard let team = teams[entry.team] else { return refuse(id, .unknownTeam(entry.team)) }
        guard team.isOpen(at: now) else {
            // Not queued: outside hours the customer is offered to leave a message instead of waiting.
            return log.append(.outsideHours(id, team: entry.team, nextOpening: team.nextOpening(after: now)))
        }
        place(entry, now: now)
    }

    /// Files `entry` in its team — or, when nobody there is online, one hop on in the overflow team —
    /// and serves it at once if a slot is free. If it still waits with nobody online, says so.
    mutating func place(_ entry: QueueEntry, now: Date) {
        var entry = entry
        var arrivedByOverflow = false
        var overflowBlocked = false
        if teams[entry.team]?.onlineCount == 0 {
            switch overflowCheck(entry) {
            case .move(let target) where teams[target]?.isOpen(at: now) == true:
                log.append(.overflowed(entry.conversationID, from: entry.team, to: target))
                entry.overflowedFrom.insert(entry.team)
                entry.team = target
                entry.enteredTeamAt = now
                arrivedByOverflow = true
            case .move: overflowBlocked = true
            case .never: break
            }
        }
        file(entry)
        drain(CollectionOfOne(entry.team), now: now)
        guard queued[entry.conversationID] != nil, teams[entry.team]?.onlineCount == 0 else { return }
        // Still waiting with nobody online: the next tick may move it on (one hop per decision) or, if
        // the overflow team was closed, retry when it opens.
        if arrivedByOverflow || overflowBlocked { teams[entry.team]?.needsOverflowSweep = true }
        log.append(.noAgentOnline(entry.conversationID, team: entry.team))
    }

    /// Puts `entry` in its team's queue and wait index. The team must be configured.
    mutating func file(_ entry: QueueEntry) {
        guard let team = teams[entry.team] else { return }
        let waiting = QueuedConversation(entry: entry, key: team.queueKey(for: entry))
        queued[entry.conversationID] = waiting
        let offset = teams[entry.team]!.queue.insert(waiting.key)
        teams[entry.team]!.waiting.insert(waiting.waitKey)
        log.queueChanged(entry.team, at: offset + 1)
    }

    /// Takes the conversation out of its queue; nil when it was not queued.
    @discardableResult
    mutating func unfile(_ id: ConversationID) -> QueuedConversation? {
        guard let waiting = queued.removeValue(forKey: id) else { return nil }
        let teamID = waiting.entry.team
        if let offset = teams[teamID]?.queue.remove(waiting.key) { log.queueChanged(teamID, at: offset + 1) }
        teams[teamID]?.waiting.remove(waiting.waitKey)
        return waiting
    }

    /// Serves queued conversations of `teamIDs` while any of those teams has both a waiting
    /// conversation and an available agent. Each round serves the best head among the teams (rank,
    /// then wait), so an agent shared by two teams takes the customer who has priority overall.
    mutating func drain(_ teamIDs: some Collection<TeamID>, now: Date) {
        while let teamID = teamToServe(among: teamIDs) {
            assignHead(of: teamID, now: now)
        }
    }

    /// Drains every configured team (after init, after a tick).
    mutating func drainAll(now: Date) {
        drain(teamOrder, now: now)
    }

    private func teamToServe(among teamIDs: some Collection<TeamID>) -> TeamID? {
        var best: (team: TeamID, head: QueueKey)?
        for id in teamIDs {
            guard let team = teams[id], team.config.strategy.assignsAutomatically, !team.available.isEmpty,
                let head = team.queue.first
            else { continue }
            if let current = best, !(head < current.head) { continue }
            best = (id, head)
        }
        return best?.team
    }

    /// Gives the head of the team's queue to its sticky agent, or else to the strategy's pick.
    private mutating func assignHead(of teamID: TeamID, now: Date) {
        guard let team = teams[teamID], let head = team.queue.first else { return }
        guard let waiting = queued[head.conversation] else {
            // Cannot happen while the indexes agree; dropping the stray key keeps `drain` finite.
            teams[teamID]?.queue.remove(head)
            return
        }
        let sticky = stickyAgent(for: waiting.entry, in: team, now: now)
        guard let agentID = sticky ?? team.strategyPick(avoiding: waiting.entry.escalatedFrom) else { return }
        if agentID == waiting.entry.escalatedFrom, let target = overflowForEscalation(waiting.entry, now: now) {
            move(head.conversation, to: target, now: now)
            drain(CollectionOfOne(target), now: now)
            return
        }
        unfile(head.conversation)
        give(agentID, now: now)
        if sticky == nil, team.config.strategy == .roundRobin { teams[teamID]?.roundRobinCursor = agentID }
        log.append(.assign(head.conversation, agent: agentID, team: teamID, reason: sticky == nil ? .strategy : .sticky))
    }

    /// The overflow team, when it is open and has someone free other than the agent who let this
    /// escalated customer wait: going there beats going back to that agent. Nil otherwise.
    private func overflowForEscalation(_ entry: QueueEntry, now: Date) -> TeamID? {
        guard let slow = entry.escalatedFrom, case .move(let target) = overflowCheck(entry), let overflow = teams[target],
            overflow.isOpen(at: now), overflow.config.strategy.assignsAutomatically, overflow.hasAvailableAgent(besides: slow)
        else { return nil }
        return target
    }

    /// The agent of a conversation the customer reopened; else the contact's previous agent, if the
    /// team routes sticky and the last contact is inside the window. Either must be in the team,
    /// online, with a free slot, and not the agent an escalation took it from.
    private func stickyAgent(for entry: QueueEntry, in team: TeamState, now: Date) -> AgentID? {
        if let reopened = entry.reopenedFrom, reopened != entry.escalatedFrom,
            let agent = agents[reopened], agent.teams.contains(team.config.id), agent.canTakeMore
        {
            return agent.id
        }
        let window = team.config.stickyWindow
        guard window > 0, let previous = entry.previousAgent, previous.agent != entry.escalatedFrom,
            now.timeIntervalSince(previous.servedAt) <= window,
            let agent = agents[previous.agent], agent.teams.contains(team.config.id), agent.canTakeMore
        else { return nil }
        return agent.id
    }
}
