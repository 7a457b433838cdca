import Foundation
import ParleyCore
import ParleyRouting
import Testing

/// Drives a router with random events and checks, after each one, everything the router promises.
/// The run keeps its own record of who holds what and who waits where, built only from the actions,
/// and compares it with the router's view.
struct RandomRoutingRun {
    private var rng: SplitMix64
    private(set) var router: Router
    private var now = Fixture.t0
    private var teamConfigs: [TeamRouting]
    private let agentIDs = (1...12).map { AgentID(Int64($0)) }
    private var held: [ConversationID: AgentID] = [:]
    private var heldEntries: [ConversationID: QueueEntry] = [:]
    private var waiting: [ConversationID: TeamID] = [:]
    private var nextConversation: Int64 = 1
    private(set) var assignments = 0
    private(set) var overflows = 0

    init(seed: UInt64) throws {
        rng = SplitMix64(seed: seed)
        let utc = try #require(TimeZone(identifier: "UTC"))
        teamConfigs = [
            Fixture.team(1, .leastBusy, sticky: 600, overflow: Fixture.overflow(to: 2, after: 300)),
            Fixture.team(2, .roundRobin, priority: .waitTimeOnly, overflow: Fixture.overflow(to: 1, after: 200)),
            Fixture.team(3, .manualClaim, overflow: Fixture.overflow(to: 4)),
            Fixture.team(
                4, .leastBusy, hours: BusinessHours(timeZone: utc, days: Weekday.workdays, open: [OpenInterval("09:00-17:00")!])
            ),
        ]
        var agents: [AgentRouting] = []
        for id in agentIDs {
            agents.append(
                AgentRouting(
                    id: id, teams: Self.randomTeams(&rng), capacity: Int.random(in: 0...3, using: &rng),
                    presence: Presence.allCases.randomElement(using: &rng)!
                )
            )
        }
        router = Router(teams: teamConfigs, agents: agents, queue: [])
    }

    private static func randomTeams(_ rng: inout SplitMix64) -> Set<TeamID> {
        Set((0..<Int.random(in: 1...2, using: &rng)).map { _ in TeamID(Int64.random(in: 1...4, using: &rng)) })
    }

    private mutating func randomAgent() -> AgentID { agentIDs.randomElement(using: &rng)! }

    private mutating func randomEvent() -> RoutingEvent {
        let roll = Int.random(in: 0..<100, using: &rng)
        switch roll {
        case 0..<30:
            defer { nextConversation += 1 }
            let previous = Bool.random(using: &rng)
                ? PreviousAgent(agent: randomAgent(), servedAt: now.addingTimeInterval(-Double.random(in: 0...1200, using: &rng))) : nil
            return .enqueued(
                QueueEntry(
                    conversationID: ConversationID(nextConversation), team: TeamID(Int64.random(in: 1...4, using: &rng)),
                    enqueuedAt: now, isVIP: Int.random(in: 0..<5, using: &rng) == 0, isRepeatVisitor: Bool.random(using: &rng),
                    lastFailedQueueAt: Bool.random(using: &rng) ? now.addingTimeInterval(-3600) : nil, previousAgent: previous
                )
            )
        case 30..<38:
            return .removed(waiting.keys.randomElement(using: &rng) ?? ConversationID(999_999))
        case 38..<52:
            return .presenceChanged(randomAgent(), Presence.allCases.randomElement(using: &rng)!)
        case 52..<57:
            return .capacityChanged(randomAgent(), Int.random(in: 0...4, using: &rng))
        case 57..<72:
            guard let conversation = held.keys.randomElement(using: &rng), let holder = held.removeValue(forKey: conversation) else {
                return .tick
            }
            heldEntries[conversation] = nil
            return .chatEnded(holder)
        case 72..<80:
            return .claim(waiting.keys.randomElement(using: &rng) ?? ConversationID(999_999), by: randomAgent())
        case 80..<88:
            let target: TransferTarget = Bool.random(using: &rng)
                ? .agent(randomAgent()) : .team(TeamID(Int64.random(in: 1...4, using: &rng)))
            if Bool.random(using: &rng), let conversation = held.keys.randomElement(using: &rng), let entry = heldEntries[conversation] {
                return .transfer(entry, from: held[conversation], to: target)
            }
            guard let conversation = waiting.keys.randomElement(using: &rng), let entry = router.queueEntry(of: conversation) else {
                return .tick
            }
            return .transfer(entry, from: nil, to: target)
        case 88..<91:
            let index = Int.random(in: 0..<teamConfigs.count, using: &rng)
            teamConfigs[index].strategy = RoutingStrategy.allCases.randomElement(using: &rng)!
            teamConfigs[index].priority.vipFirst.toggle()
            return .teamUpserted(teamConfigs[index])
        case 91..<94:
            guard var agent = router.agent(randomAgent()) else { return .tick }
            agent.teams = Self.randomTeams(&rng)
            agent.capacity = Int.random(in: 0...3, using: &rng)
            return .agentUpserted(agent)
        default:
            return .tick
        }
    }

    /// One random event, applied and checked.
    mutating func step() throws {
        now.addTimeInterval(Int.random(in: 0..<50, using: &rng) == 0 ? 3 * 3600 : Double.random(in: 0...120, using: &rng))
        let event = randomEvent()
        let before = router
        let actions = router.handle(event, now: now)
        try absorb(event, actions, before: before)
        try checkState()
        try checkQueueMoved(actions, before: before)
        try checkNextTimedCheck()
    }

    /// Replays the actions into the run's own record, checking each against the rules.
    private mutating func absorb(_ event: RoutingEvent, _ actions: [RoutingAction], before: Router) throws {
        let refusedOrClosed = actions.contains {
            switch $0 {
            case .refused, .outsideHours: true
            default: false
            }
        }
        if refusedOrClosed {
            #expect(actions.count == 1, "a refusal changes nothing: \(actions)")
            try #require(router.queuedCount == before.queuedCount)
        }
        var transferred: ConversationID?
        var eventEntry: QueueEntry?
        switch event {
        case .enqueued(let entry) where !refusedOrClosed:
            eventEntry = entry
            waiting[entry.conversationID] = entry.team
        case .removed(let id):
            waiting[id] = nil
        case .transfer(let entry, _, let target) where !refusedOrClosed:
            transferred = entry.conversationID
            eventEntry = entry
            held[entry.conversationID] = nil
            waiting[entry.conversationID] = nil
            if case .team(let team) = target { waiting[entry.conversationID] = team }
        default:
            break
        }
        var overflowedNow = Set<ConversationID>()
        for action in actions {
            switch action {
            case .assign(let id, let agentID, let team, let reason):
                assignments += 1
                try #require(held[id] == nil, "conversation \(id) assigned while held by \(held[id].map(String.init(describing:)) ?? "")")
                try #require(waiting[id] != nil || (reason == .transfer && id == transferred), "\(id) assigned without waiting")
                let agent = try #require(router.agent(agentID))
                let load = held.values.filter { $0 == agentID }.count + 1
                try #require(load <= agent.capacity, "agent \(agentID) given chat \(load) of \(agent.capacity)")
                try #require(agent.presence == .online, "agent \(agentID) is \(agent.presence)")
                if reason != .transfer, let team { try #require(agent.teams.contains(team), "agent \(agentID) not in \(team)") }
                try #require(router.position(of: id) == nil)
                // Kept for later team transfers of this conversation: what the gateway would send.
                heldEntries[id] = before.queueEntry(of: id) ?? (eventEntry?.conversationID == id ? eventEntry : nil) ?? heldEntries[id]
                waiting[id] = nil
                held[id] = agentID
            case .overflowed(let id, let from, let to):
                overflows += 1
                try #require(overflowedNow.insert(id).inserted, "\(id) overflowed twice in one decision")
                try #require(waiting[id] == from, "\(id) overflowed from \(from) but waited in \(String(describing: waiting[id]))")
                try #require(before.queueEntry(of: id)?.overflowedFrom.contains(to) != true, "\(id) overflowed back into \(to)")
                waiting[id] = to
            case .noAgentOnline(let id, _):
                try #require(waiting[id] != nil)
            case .outsideHours(let id, _, _), .refused(let id, _):
                try #require(router.position(of: id) == before.position(of: id))
            case .queueMoved:
                break
            }
        }
    }

    /// The router's queues and loads agree with the record, and no auto team leaves a free agent idle.
    private func checkState() throws {
        try #require(router.queuedCount == waiting.count, "router has \(router.queuedCount) queued, record \(waiting.count)")
        for config in teamConfigs {
            let queue = router.queue(of: config.id)
            try #require(Set(queue) == Set(waiting.filter { $0.value == config.id }.keys), "team \(config.id) queue differs")
            for (index, id) in queue.enumerated() { try #require(router.position(of: id) == index + 1) }
            guard let team = router.team(config.id), team.strategy.assignsAutomatically, !queue.isEmpty else { continue }
            for id in agentIDs {
                guard let agent = router.agent(id), agent.teams.contains(config.id) else { continue }
                try #require(!agent.canTakeMore, "agent \(id) idle with \(agent.activeChats)/\(agent.capacity) while team \(config.id) has \(queue.count) waiting")
            }
        }
        for id in agentIDs {
            try #require(router.agent(id)?.activeChats == held.values.filter { $0 == id }.count, "agent \(id) load")
        }
    }

    /// Everyone whose place changed is covered by a `queueMoved` for their team at or before their new place.
    private func checkQueueMoved(_ actions: [RoutingAction], before: Router) throws {
        var movedFrom: [TeamID: Int] = [:]
        for case .queueMoved(let team, let from) in actions {
            try #require(movedFrom[team] == nil, "one queueMoved per team")
            movedFrom[team] = from
        }
        for config in teamConfigs {
            for (index, id) in router.queue(of: config.id).enumerated() {
                let unchanged = before.queueEntry(of: id)?.team == config.id && before.position(of: id) == index + 1
                if unchanged { continue }
                let from = try #require(movedFrom[config.id], "\(id) moved in team \(config.id) without queueMoved")
                try #require(from <= index + 1, "\(id) now at \(index + 1) but queueMoved from \(from)")
            }
        }
    }

    /// Before `nextTimedCheck`'s date, a tick has nothing to do.
    private func checkNextTimedCheck() throws {
        if let next = router.nextTimedCheck(after: now), next <= now { return }
        var copy = router
        let idle = copy.handle(.tick, now: now)
        try #require(idle.isEmpty, "nextTimedCheck said wait, but a tick did \(idle)")
    }
}
