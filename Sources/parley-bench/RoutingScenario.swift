import Foundation
import ParleyCore
import ParleyRouting

/// The world `parley-bench routing` starts from, built from a seed: 20 teams mixing every strategy, some
/// with sticky windows, overflow chains with wait thresholds and business hours; 1,000 agents in one
/// to three teams each, most online and all online ones full, so 10,000 conversations wait.
struct RoutingScenario {
    static let teamCount = 20
    static let agentCount = 1000
    static let initialQueue = 10_000

    /// Friday 2027-01-15 08:00 UTC, inside every team's hours.
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let teams: [TeamRouting]
    let agents: [AgentRouting]
    let queue: [QueueEntry]
    /// Agents of each team, for claims that have a chance of succeeding.
    let members: [TeamID: [AgentID]]

    init(rng: inout SplitMix64) {
        let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        // Open around the clock, but through the calendar, so admissions pay for the hours check.
        let allDay = BusinessHours(timeZone: shanghai, days: Weekday.allCases, open: [OpenInterval(start: 0, end: 1440)!])
        var teams: [TeamRouting] = []
        for number in 1...Int64(Self.teamCount) {
            let strategy: RoutingStrategy = number <= 9 ? .leastBusy : number <= 16 ? .roundRobin : .manualClaim
            teams.append(
                TeamRouting(
                    id: TeamID(number), name: "team \(number)", strategy: strategy, priority: PriorityRules(),
                    stickyWindow: number % 3 == 0 ? 1800 : 0,
                    // Pairs overflow into each other (1→2→1 is cut by the no-cycle rule) after two minutes.
                    overflow: number % 4 == 0 ? nil : OverflowRule(team: TeamID(number % 2 == 1 ? number + 1 : number - 1), afterWaiting: 120),
                    hours: number % 5 == 0 ? allDay : nil
                )
            )
        }
        var members: [TeamID: [AgentID]] = [:]
        var agents: [AgentRouting] = []
        for number in 1...Int64(Self.agentCount) {
            let id = AgentID(number)
            var teamsOfAgent = Set<TeamID>()
            for _ in 0..<Int.random(in: 1...3, using: &rng) { teamsOfAgent.insert(TeamID(Int64.random(in: 1...Int64(Self.teamCount), using: &rng))) }
            for team in teamsOfAgent { members[team, default: []].append(id) }
            let capacity = Int.random(in: 2...5, using: &rng)
            let roll = Int.random(in: 0..<10, using: &rng)
            let presence: Presence = roll < 7 ? .online : roll < 9 ? .away : .offline
            agents.append(
                AgentRouting(
                    id: id, teams: teamsOfAgent, capacity: capacity, presence: presence,
                    activeChats: presence == .online ? capacity : Int.random(in: 0...capacity, using: &rng),
                    lastAssignedAt: start.addingTimeInterval(-Double.random(in: 0...3600, using: &rng))
                )
            )
        }
        var queue: [QueueEntry] = []
        queue.reserveCapacity(Self.initialQueue)
        for number in 1...Int64(Self.initialQueue) {
            queue.append(Self.entry(ConversationID(number), at: start.addingTimeInterval(-Double.random(in: 0...600, using: &rng)), rng: &rng))
        }
        self.teams = teams
        self.agents = agents
        self.queue = queue
        self.members = members
    }

    /// A conversation asking for a random team, with the mix of priority facts a real queue has.
    static func entry(_ id: ConversationID, at time: Date, rng: inout SplitMix64) -> QueueEntry {
        let previous = Int.random(in: 0..<5, using: &rng) == 0
            ? PreviousAgent(agent: AgentID(Int64.random(in: 1...Int64(agentCount), using: &rng)), servedAt: time.addingTimeInterval(-600)) : nil
        return QueueEntry(
            conversationID: id, team: TeamID(Int64.random(in: 1...Int64(teamCount), using: &rng)), enqueuedAt: time,
            isVIP: Int.random(in: 0..<20, using: &rng) == 0, isRepeatVisitor: Bool.random(using: &rng),
            lastFailedQueueAt: Int.random(in: 0..<10, using: &rng) == 0 ? time.addingTimeInterval(-1800) : nil, previousAgent: previous
        )
    }
}
