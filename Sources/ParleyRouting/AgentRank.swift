import Foundation
import ParleyCore

/// An available agent's place in a team's pool. Least-busy orders by load, then idle time, then id;
/// round-robin and manual claim by id alone (load and idle time fixed), so one sorted structure
/// serves every strategy.
struct AgentRank: Comparable, Hashable, Sendable {
    var load: Int
    var lastAssignedAt: Date
    var agent: AgentID

    static func < (lhs: AgentRank, rhs: AgentRank) -> Bool {
        (lhs.load, lhs.lastAssignedAt, lhs.agent) < (rhs.load, rhs.lastAssignedAt, rhs.agent)
    }

    /// The key of `agent` alone, for round-robin and manual-claim pools.
    static func byID(_ agent: AgentID) -> AgentRank {
        AgentRank(load: 0, lastAssignedAt: .distantPast, agent: agent)
    }
}
