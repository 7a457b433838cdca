import Foundation
import ParleyCore
import ParleyRouting

/// Short builders for routing tests: ids are plain numbers, times are offsets from `t0`.
enum Fixture {
    /// Friday 2027-01-15 08:00:00 UTC.
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    static func team(
        _ id: Int64, _ strategy: RoutingStrategy = .leastBusy, priority: PriorityRules = PriorityRules(), sticky: TimeInterval = 0,
        overflow: OverflowRule? = nil, hours: BusinessHours? = nil
    ) -> TeamRouting {
        TeamRouting(
            id: TeamID(id), name: "", strategy: strategy, priority: priority, stickyWindow: sticky, overflow: overflow, hours: hours
        )
    }

    static func agent(
        _ id: Int64, teams: [Int64] = [1], capacity: Int = 2, presence: Presence = .online, active: Int = 0,
        lastAssigned: Date? = nil
    ) -> AgentRouting {
        AgentRouting(
            id: AgentID(id), teams: Set(teams.map(TeamID.init)), capacity: capacity, presence: presence, activeChats: active,
            lastAssignedAt: lastAssigned
        )
    }

    static func entry(
        _ id: Int64, team: Int64 = 1, at time: Date = t0, vip: Bool = false, repeatVisitor: Bool = false, failedAt: Date? = nil,
        previous: (agent: Int64, at: Date)? = nil, escalatedFrom: Int64? = nil
    ) -> QueueEntry {
        QueueEntry(
            conversationID: ConversationID(id), team: TeamID(team), enqueuedAt: time, isVIP: vip, isRepeatVisitor: repeatVisitor,
            lastFailedQueueAt: failedAt, previousAgent: previous.map { PreviousAgent(agent: AgentID($0.agent), servedAt: $0.at) },
            escalatedFrom: escalatedFrom.map(AgentID.init)
        )
    }

    static func overflow(to team: Int64, after seconds: TimeInterval = 0) -> OverflowRule {
        OverflowRule(team: TeamID(team), afterWaiting: seconds)
    }
}

extension Array where Element == RoutingAction {
    /// Each assignment as "c<conversation>→a<agent>", in order, so expectations read like the scenario.
    var assignments: [String] {
        compactMap {
            guard case .assign(let conversation, let agent, _, _) = $0 else { return nil }
            return "c\(conversation)→a\(agent)"
        }
    }

    /// The reasons of the assignments, in order.
    var reasons: [AssignmentReason] {
        compactMap {
            guard case .assign(_, _, _, let reason) = $0 else { return nil }
            return reason
        }
    }

    /// The refusal of the first refused action.
    var refusal: RoutingRefusal? {
        lazy.compactMap {
            guard case .refused(_, let refusal) = $0 else { return nil }
            return refusal
        }.first
    }
}

extension Router {
    /// The team's queue as raw conversation numbers.
    func waiting(in team: Int64) -> [Int64] { queue(of: TeamID(team)).map(\.rawValue) }

    func chats(of agent: Int64) -> Int? { self.agent(AgentID(agent))?.activeChats }
}

func c(_ id: Int64) -> ConversationID { ConversationID(id) }
func a(_ id: Int64) -> AgentID { AgentID(id) }
func t(_ id: Int64) -> TeamID { TeamID(id) }
