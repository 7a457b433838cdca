import Foundation
import ParleyCore

/// The router's working state for one team: its configuration plus the indexes that make each
/// decision O(log n) — the queue in priority order, the same conversations by time in the team, and
/// the pool of agents who could take one more conversation right now.
struct TeamState: Sendable {
    private(set) var config: TeamRouting
    /// The team's calendar, for "earlier today" in priority ranks.
    private(set) var calendar: Calendar
    var queue = SortedArray<QueueKey>()
    /// Conversations whose overflow wait threshold is still to be checked. One that could never
    /// overflow (its target is one it came from) is dropped from here, so it does not hold up the
    /// conversations behind it or keep waking the scheduler; a config change re-arms everyone.
    var waiting = SortedArray<WaitKey>()
    /// Online members with a free slot, ordered for the team's strategy.
    var available = SortedArray<AgentRank>()
    var onlineCount = 0
    /// The agent round-robin served last; the next turn goes to the first available id after it.
    var roundRobinCursor: AgentID?
    /// Set when conversations wait here with nobody online and may still overflow (they arrived by
    /// overflow, or the target was closed): the next tick retries, so each decision moves one hop.
    var needsOverflowSweep = false

    init(config: TeamRouting) {
        self.config = config
        calendar = Calendar.gregorian(in: config.timeZone)
    }

    mutating func replaceConfig(_ config: TeamRouting) {
        self.config = config
        calendar = Calendar.gregorian(in: config.timeZone)
    }

    func isOpen(at date: Date) -> Bool { config.hours?.isOpen(at: date) ?? true }

    func nextOpening(after date: Date) -> Date? { config.hours.map { $0.nextOpening(after: date) } ?? date }

    /// The pool key of `agent` under this team's strategy.
    func rank(of agent: AgentRouting) -> AgentRank {
        switch config.strategy {
        case .leastBusy: AgentRank(load: agent.activeChats, lastAssignedAt: agent.lastAssignedAt ?? .distantPast, agent: agent.id)
        case .roundRobin, .manualClaim: .byID(agent.id)
        }
    }

    func queueKey(for entry: QueueEntry) -> QueueKey {
        QueueKey(rank: config.priority.rank(of: entry, calendar: calendar), enqueuedAt: entry.enqueuedAt, conversation: entry.conversationID)
    }

    /// The agent the strategy picks from the pool (nil for manual claim or an empty pool). The
    /// `avoiding` agent is passed over for the strategy's next choice when the pool has one.
    func strategyPick(avoiding avoided: AgentID? = nil) -> AgentID? {
        switch config.strategy {
        case .manualClaim:
            return nil
        case .leastBusy:
            guard let first = available.first?.agent else { return nil }
            return first == avoided && available.count > 1 ? available[1].agent : first
        case .roundRobin:
            guard !available.isEmpty else { return nil }
            var next = roundRobinCursor.map { available.upperBound(.byID($0)) } ?? 0
            if next >= available.count { next = 0 }
            if available[next].agent == avoided, available.count > 1 { next = (next + 1) % available.count }
            return available[next].agent
        }
    }

    /// Someone other than `agent` could take a conversation now.
    func hasAvailableAgent(besides agent: AgentID) -> Bool {
        available.count > 1 || (available.first.map { $0.agent != agent } ?? false)
    }
}
