import Foundation
import ParleyCore

/// Overflow and time: moving conversations to the overflow team when their team has nobody online
/// or they have waited past the threshold, and telling a scheduler when to look again.
extension Router {
    enum OverflowCheck {
        /// The rule's target may take it (if it is open).
        case move(TeamID)
        /// No rule, the target is not configured or is the team itself, or the conversation already
        /// overflowed out of the target (A→B→A is never allowed).
        case never
    }

    func overflowCheck(_ entry: QueueEntry) -> OverflowCheck {
        guard let rule = teams[entry.team]?.config.overflow, rule.team != entry.team, teams[rule.team] != nil,
            !entry.overflowedFrom.contains(rule.team)
        else { return .never }
        return .move(rule.team)
    }

    /// Moves a waiting conversation one hop to `target`, keeping its original wait. No draining: the
    /// caller drains the target once after moving a batch.
    mutating func move(_ id: ConversationID, to target: TeamID, now: Date) {
        guard let waiting = unfile(id) else { return }
        var entry = waiting.entry
        log.append(.overflowed(id, from: entry.team, to: target))
        entry.overflowedFrom.insert(entry.team)
        entry.team = target
        entry.enteredTeamAt = now
        file(entry)
    }

    /// When the team has nobody online, moves every waiting conversation that may overflow one hop
    /// to the overflow team (except those in `skipping`, which already moved in this decision) and
    /// serves them there. Returns the conversations moved. If the overflow team is closed, the team is
    /// marked so a tick retries when it opens.
    @discardableResult
    mutating func sweepAgentless(_ teamID: TeamID, now: Date, skipping: Set<ConversationID> = []) -> [ConversationID] {
        guard let team = teams[teamID] else { return [] }
        teams[teamID]!.needsOverflowSweep = false
        guard team.onlineCount == 0, !team.queue.isEmpty, let rule = team.config.overflow, rule.team != teamID,
            let target = teams[rule.team]
        else { return [] }
        guard target.isOpen(at: now) else {
            teams[teamID]!.needsOverflowSweep = true
            return []
        }
        var movers: [ConversationID] = []
        for key in team.queue.elements {
            if skipping.contains(key.conversation) {
                // It arrived in this decision: it may go on from here at the next tick.
                teams[teamID]!.needsOverflowSweep = true
            } else if let waiting = queued[key.conversation], !waiting.entry.overflowedFrom.contains(rule.team) {
                movers.append(key.conversation)
            }
        }
        guard !movers.isEmpty else { return [] }
        for id in movers { move(id, to: rule.team, now: now) }
        drain(CollectionOfOne(rule.team), now: now)
        if teams[rule.team]?.onlineCount == 0 { teams[rule.team]?.needsOverflowSweep = true }
        return movers
    }

    /// Moves the team's conversations that have waited in it past the overflow threshold, oldest
    /// first, one hop. Returns them. Those that may never overflow (they came from the target) leave
    /// the threshold index until the team's config changes, so they neither block the others nor keep
    /// waking the scheduler.
    @discardableResult
    mutating func overflowOverdue(_ teamID: TeamID, now: Date) -> [ConversationID] {
        guard let team = teams[teamID], let rule = team.config.overflow, rule.afterWaiting > 0 else { return [] }
        // A closed target blocks everyone (`nextTimedCheck` reports its opening); a target not
        // configured yet blocks until it is.
        guard rule.team != teamID, let target = teams[rule.team], target.isOpen(at: now) else { return [] }
        var moved: [ConversationID] = []
        while let oldest = teams[teamID]!.waiting.first, oldest.enteredTeamAt.addingTimeInterval(rule.afterWaiting) <= now {
            guard let waiting = queued[oldest.conversation], !waiting.entry.overflowedFrom.contains(rule.team) else {
                teams[teamID]!.waiting.remove(oldest)
                continue
            }
            move(oldest.conversation, to: rule.team, now: now)
            moved.append(oldest.conversation)
        }
        if !moved.isEmpty {
            drain(CollectionOfOne(rule.team), now: now)
            if teams[rule.team]?.onlineCount == 0 { teams[rule.team]?.needsOverflowSweep = true }
        }
        return moved
    }

    /// Overflow for every team, each conversation at most one hop per tick, then a drain of every team
    /// (which serves anything the initial state allowed).
    mutating func tick(now: Date) {
        var movedThisTick = Set<ConversationID>()
        for teamID in teamOrder {
            // Arrivals from earlier teams in this loop have `enteredTeamAt == now`, so they are never
            // overdue here; only the agentless sweep needs to be told to skip them.
            if teams[teamID]?.needsOverflowSweep == true {
                movedThisTick.formUnion(sweepAgentless(teamID, now: now, skipping: movedThisTick))
            }
            movedThisTick.formUnion(overflowOverdue(teamID, now: now))
        }
        drainAll(now: now)
    }

    /// When the next `.tick` can change something on its own: the earliest overflow wait threshold,
    /// or the opening of a closed overflow team that conversations are waiting to move into. Nil when
    /// only new events can change anything. A date at or before `now` means "tick now".
    /// O(teams), with a calendar computation for each closed overflow team.
    public func nextTimedCheck(after now: Date) -> Date? {
        var earliest: Date?
        for teamID in teamOrder {
            guard let team = teams[teamID], !team.queue.isEmpty, let rule = team.config.overflow, rule.team != teamID,
                let target = teams[rule.team]
            else { continue }
            var candidates: [Date?] = []
            if team.needsOverflowSweep { candidates.append(target.nextOpening(after: now)) }
            if rule.afterWaiting > 0, let oldest = team.waiting.first {
                let due = oldest.enteredTeamAt.addingTimeInterval(rule.afterWaiting)
                candidates.append(target.nextOpening(after: max(due, now)))
            }
            for case let date? in candidates where earliest.map({ date < $0 }) ?? true { earliest = date }
        }
        return earliest
    }
}
