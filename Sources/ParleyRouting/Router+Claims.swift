import Foundation
import ParleyCore

/// Agent-initiated moves: claiming from a queue and transferring to an agent or a team.
extension Router {
    /// The agent takes a queued conversation (in any team: in automatic teams a free agent rarely
    /// finds anything waiting, but claiming is not wrong there). Refused, with the reason, if it is no
    /// longer queued or the agent is unknown, not in its team, not online or at capacity.
    mutating func claim(_ id: ConversationID, by agentID: AgentID, now: Date) {
        guard let waiting = queued[id] else { return refuse(id, .notQueued(id)) }
        guard let agent = agents[agentID] else { return refuse(id, .unknownAgent(agentID)) }
        let teamID = waiting.entry.team
        if !agent.teams.contains(teamID), let team = teams[teamID] { return refuse(id, .notMember(agentID, of: team.config)) }
        guard agent.presence == .online else { return refuse(id, .notOnline(agent)) }
        guard agent.activeChats < agent.capacity else { return refuse(id, .atCapacity(agent)) }
        unfile(id)
        give(agentID, now: now)
        log.append(.assign(id, agent: agentID, team: teamID, reason: .claim))
    }

    /// Moves a conversation, queued (`holder` nil) or held by `holder`.
    ///
    /// To an agent (of any team): the agent must be online with a free slot — a transfer never pushes
    /// anyone over capacity; a supervisor who must overload an agent raises the capacity first. To a team: the team
    /// must be open; the conversation is queued there with its original wait time (and served at once
    /// if a slot is free, or overflows one hop if nobody there is online). Sticky routing never sends
    /// it straight back to the agent who transferred it away.
    ///
    /// The holder's slot is freed after the move, and their teams are drained: if the holder belongs to
    /// the target team and still has spare capacity, the strategy may pick them; avoiding that is the
    /// caller's call (transfer to an agent instead).
    mutating func transfer(_ entry: QueueEntry, from holder: AgentID?, to target: TransferTarget, now: Date) {
        let id = entry.conversationID
        let waiting = queued[id]
        if waiting != nil, let holder { return refuse(id, .queuedNotHeld(id, by: holder)) }
        if waiting == nil, holder == nil { return refuse(id, .heldWithoutHolder(id)) }
        switch target {
        case .agent(let agentID):
            guard let agent = agents[agentID] else { return refuse(id, .unknownAgent(agentID)) }
            guard agentID != holder else { return refuse(id, .alreadyWith(id, agent: agentID)) }
            guard agent.presence == .online else { return refuse(id, .notOnline(agent)) }
            guard agent.activeChats < agent.capacity else { return refuse(id, .atCapacity(agent)) }
            unfile(id)
            give(agentID, now: now)
            log.append(.assign(id, agent: agentID, team: waiting?.entry.team, reason: .transfer))
        case .team(let teamID):
            guard let team = teams[teamID] else { return refuse(id, .unknownTeam(teamID)) }
            if let waiting, waiting.entry.team == teamID { return refuse(id, .alreadyQueued(id, in: teamID)) }
            guard team.isOpen(at: now) else { return refuse(id, .closed(team.config, nextOpening: team.nextOpening(after: now))) }
            var moved = unfile(id)?.entry ?? entry
            moved.team = teamID
            moved.enteredTeamAt = now
            if let holder, moved.previousAgent?.agent == holder { moved.previousAgent = nil }
            place(moved, now: now)
        }
        if let holder { updateAgent(holder, now: now) { $0.activeChats = max(0, $0.activeChats - 1) } }
    }
}
