import CoreMetrics
import Foundation
import Logging
import ParleyCore
import ParleyRouting
import ParleyStore
import ServiceLifecycle

/// Runs the routing engine (`ParleyRouting.Router`) against the store: the queue drains whenever
/// capacity appears — an agent comes online, a chat ends, capacity is raised — and a conversation
/// that starts waiting is offered at once.
///
/// It learns of changes from the event bus and from the gateway's admin calls, and always
/// reconciles from the store rather than trusting the event (a slow subscriber may miss events;
/// the store is the truth). Every assignment is a conditional write — still queued, agent under
/// capacity, in the same transaction — so a lost race or a second node can never assign one
/// conversation twice or overfill an agent; a refused write is reconciled and routed again.
public actor RoutingService: Service {
    private var router = Router(teams: [], agents: [], queue: [])
    /// The channel of each conversation the router holds, for its timers when it is assigned.
    private var channels: [ConversationID: ChannelID] = [:]
    /// Changes noted and not yet reconciled, and whether a reconciliation loop is running.
    private var pendingRebuild = false
    private var pendingConversations: Set<ConversationID> = []
    private var pendingAgents: Set<AgentID> = []
    private var draining = false
    /// Each team's texts for its waiting customers, from the last load.
    private var profiles: [TeamID: TeamProfile] = [:]
    /// The place each waiting customer was last told, and when; who was told nobody is online.
    private var toldPosition: [ConversationID: (position: Int, at: Date)] = [:]
    private var toldNobodyOnline: Set<ConversationID> = []
    private let messagesQueued: @Sendable () -> Void
    private let store: any RoutingRepository
    private let registry: ConnectorRegistry
    private let bus: EventBus
    private let clock: any WallClock
    private let factory: any MetricsFactory
    private let logger: Logger
    private let wakeSignal = WakeSignal()
    /// A full rebuild from the store now and then heals anything an event could not tell.
    private let rebuildEvery: TimeInterval = 300
    /// A waiting customer hears of a new place at most this often, and only near the front: a
    /// message per move would flood a long queue (and spend WeChat's five sends).
    static let positionUpdateEvery: TimeInterval = 60
    static let positionUpdatesFrom = 10

    /// `onMessagesQueued` is called after a message for a waiting customer was queued (the
    /// dispatcher's `wake`).
    init(
        store: any RoutingRepository, registry: ConnectorRegistry, bus: EventBus, clock: any WallClock, factory: any MetricsFactory, logger: Logger,
        onMessagesQueued: @escaping @Sendable () -> Void
    ) {
        self.messagesQueued = onMessagesQueued
        self.store = store
        self.registry = registry
        self.bus = bus
        self.clock = clock
        self.factory = factory
        self.logger = logger
    }

    public func run() async throws {
        // Most events (every customer message) change nothing routing knows: the bus keeps them.
        let events = bus.subscribe(where: Self.concerns)
        await rebuild()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in events { await self.observe(event) }
                }
                group.addTask { await self.timedChecks() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Reloads teams, agents and the queue from the store and routes whatever that state allows.
    public func rebuild() async {
        pendingRebuild = true
        startDraining()
    }

    /// Whether `observe` has anything to do for the event.
    nonisolated static func concerns(_ event: DomainEvent) -> Bool {
        switch event {
        case .conversationCreated, .conversationUpdated(_, .some): true
        case .conversationUpdated, .messageCreated, .messageUpdated: false
        }
    }

    /// A committed change to conversations: reconcile what it touched.
    public func observe(_ event: DomainEvent) async {
        switch event {
        case .conversationCreated(let conversation):
            reconcile(conversations: [conversation.id], agents: [])
        case .conversationUpdated(let conversation, let transition?):
            let agents = [transition.previousAssignee, transition.assignee, conversation.assignee].compactMap { $0 }
            reconcile(conversations: [conversation.id], agents: Array(Set(agents)))
        case .conversationUpdated, .messageCreated, .messageUpdated:
            break
        }
    }

    /// Conversations changed outside the lifecycle (moved to another team's queue).
    public func conversationsChanged(_ ids: [ConversationID]) {
        reconcile(conversations: ids, agents: [])
    }

    /// Agents whose presence, capacity or teams changed.
    public func agentsChanged(_ ids: [AgentID]) {
        reconcile(conversations: [], agents: ids)
    }

    /// Where a waiting conversation stands in its team's queue (1 = next).
    public func position(of id: ConversationID) -> Int? { router.position(of: id) }

    private func reconcile(conversations ids: [ConversationID], agents: [AgentID]) {
        pendingConversations.formUnion(ids)
        pendingAgents.formUnion(agents)
        startDraining()
    }

    /// Works off what changed, one batch at a time, on a task of its own: a caller's cancellation
    /// (an agent's request that ends early) must not abandon a change half read. The actor is
    /// re-entrant at every await: were two reconciliations to interleave, an older read of the
    /// store could land after a newer one (an agent who just came online put back offline). One
    /// loop at a time, each batch read after its changes were noted, keeps the router no staler
    /// than the store.
    private func startDraining() {
        guard !draining else { return }
        draining = true
        Task { await self.drain() }
    }

    private func drain() async {
        defer { draining = false }
        while pendingRebuild || !pendingConversations.isEmpty || !pendingAgents.isEmpty {
            let done: Bool
            if pendingRebuild {
                // Everything noted so far is read afresh by the rebuild.
                pendingRebuild = false
                let noted = (pendingConversations, pendingAgents)
                pendingConversations = []
                pendingAgents = []
                done = await load()
                if !done { (pendingRebuild, pendingConversations, pendingAgents) = (true, noted.0.union(pendingConversations), noted.1.union(pendingAgents)) }
            } else {
                let (ids, agents) = (pendingConversations, pendingAgents)
                pendingConversations = []
                pendingAgents = []
                done = await apply(conversations: Array(ids), agents: Array(agents))
                if !done { pendingConversations.formUnion(ids); pendingAgents.formUnion(agents) }
            }
            // The store failed: the same changes are read again after a pause, not dropped.
            if !done { try? await Task.sleep(for: .seconds(1)) }
        }
        // A new waiting conversation may bring the next overflow check forward.
        Task { await wakeSignal.signal() }
    }

    private func load() async -> Bool {
        do {
            let state = try await store.routingState()
            profiles = Dictionary(state.teams.map { ($0.id, $0.profile) }, uniquingKeysWith: { $1 })
            let teams = state.teams.map(Self.teamRouting)
            let agents = state.agents.map(Self.agentRouting)
            let waiting = state.waiting
            channels = Dictionary(waiting.map { ($0.id, $0.channelID) }, uniquingKeysWith: { $1 })
            // A conversation that arrived while its team was closed, and still finds it closed, is
            // left for later as it would have been on arrival; one queued while the team was open
            // is still served after closing time.
            let hours = Dictionary(teams.map { ($0.id, $0.hours) }, uniquingKeysWith: { $1 })
            let now = clock.now()
            func arrivedClosed(_ waiting: WaitingConversation) -> Bool {
                guard let schedule = hours[waiting.team] ?? nil else { return false }
                return !schedule.isOpen(at: now) && !schedule.isOpen(at: waiting.waitingSince)
            }
            let (closed, open) = (waiting.filter(arrivedClosed), waiting.filter { !arrivedClosed($0) })
            router = Router(teams: teams, agents: agents, queue: open.map(Self.entry))
            for conversation in closed {
                await leaveForLater(conversation.id, team: conversation.team, opensAt: (hours[conversation.team] ?? nil)?.nextOpening(after: now))
            }
            let stillWaiting = Set(waiting.map(\.id))
            toldPosition = toldPosition.filter { stillWaiting.contains($0.key) }
            toldNobodyOnline.formIntersection(stillWaiting)
            logger.debug("routing state loaded", metadata: ["teams": "\(teams.count)", "agents": "\(agents.count)", "waiting": "\(waiting.count)"])
        } catch {
            logger.error("routing state not loaded from the store", metadata: ["error": "\(error)"])
            return false
        }
        await perform(router.handle(.tick, now: clock.now()))
        // Customers loaded here were filed without news of their place; those not told yet hear it.
        for team in profiles.keys.sorted() { await tellWaitingCustomers(in: team, from: 1) }
        return true
    }

    private func apply(conversations ids: [ConversationID], agents: [AgentID]) async -> Bool {
        // Without teams (the default) nothing waits in a team and no agent is routed to: the
        // ingest path's events cost no store reads. Creating a team rebuilds from the store.
        guard router.hasTeams else { return true }
        do {
            // Agents first: a slot an event freed is known before the conversations it concerns are
            // placed, so an escalated chat sees its slow agent free and still goes to someone else.
            if !agents.isEmpty {
                for load in try await store.agentLoads(agents) {
                    let current = Self.agentRouting(load)
                    guard router.agent(load.id).map({ Self.differs($0, current) }) ?? true else { continue }
                    await perform(router.handle(.agentUpserted(current), now: clock.now()))
                }
            }
            let found = ids.isEmpty ? [] : try await store.waitingConversations(ids)
            let waiting = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
            logger.debug("routing reconciles", metadata: ["conversations": "\(ids)", "waiting": "\(found.map(\.id))", "agents": "\(agents)"])
            // In the order they started waiting (the store's order), so each customer hears the
            // place they keep, not one a later arrival in the same batch takes from them.
            for conversation in found {
                if let entry = router.queueEntry(of: conversation.id) {
                    // Still filed in the team it waited in before a transfer, or without the VIP
                    // tag the contact just got: file it afresh.
                    guard entry.team != conversation.team || entry.isVIP != conversation.isVIP else { continue }
                    await perform(router.handle(.removed(conversation.id), now: clock.now()))
                }
                channels[conversation.id] = conversation.channelID
                await perform(router.handle(.enqueued(Self.entry(conversation)), now: clock.now()))
            }
            for id in ids where waiting[id] == nil && router.queueEntry(of: id) != nil {
                channels[id] = nil
                await perform(router.handle(.removed(id), now: clock.now()))
            }
        } catch {
            logger.error("routing not reconciled with the store", metadata: ["error": "\(error)"])
            return false
        }
        return true
    }

    private func perform(_ actions: [RoutingAction]) async {
        for action in actions {
            switch action {
            case .assign(let id, let agent, _, let reason):
                await assign(id, to: agent, reason: reason)
            case .overflowed(let id, let from, let to):
                do {
                    try await store.moveToTeam(id, team: to)
                    Counter(label: "parley_routing_overflows_total", factory: factory).increment()
                    logger.info("conversation overflowed", metadata: ["conversation": "\(id)", "from": "\(from)", "to": "\(to)"])
                } catch {
                    logger.error("overflow not stored", metadata: ["conversation": "\(id)", "error": "\(error)"])
                }
            case .outsideHours(let id, let team, let opening):
                await leaveForLater(id, team: team, opensAt: opening)
            case .noAgentOnline(let id, let team):
                // The customer hears it with the queue's news (`queueMoved` comes last).
                logger.info("conversation waits with nobody online", metadata: ["conversation": "\(id)", "team": "\(team)"])
            case .queueMoved(let team, let from):
                await tellWaitingCustomers(in: team, from: from)
            case .refused(let id, let refusal):
                logger.notice("routing refused", metadata: ["conversation": "\(id)", "reason": "\(refusal)"])
            }
        }
    }

    /// The team is closed: the conversation goes to the leave-message pool and the customer is
    /// told when it opens.
    private func leaveForLater(_ id: ConversationID, team: TeamID, opensAt opening: Date?) async {
        let channel = channels.removeValue(forKey: id)
        var timers = TimerSettings(idleTimeout: 0)
        if let channel, let connector = try? await registry.connector(for: channel) { timers = connector.policy.timers }
        let notice = (profiles[team]?.texts.closed ?? "")
            .replacingOccurrences(
                of: "{{opensAt}}",
                with: Self.opening(opening, in: router.team(team)?.timeZone ?? .gmt, named: profiles[team]?.hours?.timeZone)
            )
        do {
            guard let (conversation, transition, message) = try await store.leaveForLater(id, notice: notice, timers: timers, at: clock.now()) else { return }
            Counter(label: "parley_routing_left_for_later_total", factory: factory).increment()
            logger.info("team closed: conversation left for later", metadata: ["conversation": "\(id)", "team": "\(team)"])
            bus.publish([.conversationUpdated(conversation, transition)] + (message.map { [.messageCreated($0, conversation)] } ?? []))
            if message != nil { messagesQueued() }
        } catch {
            logger.error("closed team's conversation not parked", metadata: ["conversation": "\(id)", "error": "\(error)"])
        }
    }

    /// Tells waiting customers of `team` from `from` on what changed. With nobody online in the
    /// team, that they may leave a message (once); otherwise their new place: the first time they
    /// wait, then near the front when it changed, at most once a minute each.
    private func tellWaitingCustomers(in team: TeamID, from: Int) async {
        guard let texts = profiles[team]?.texts else { return }
        let queue = router.queue(of: team)
        guard from >= 1, from <= queue.count else { return }
        if router.onlineCount(of: team) == 0 {
            guard !texts.noAgent.isEmpty else { return }
            for id in queue[(from - 1)...] where !toldNobodyOnline.contains(id) {
                if await tell(id, texts.noAgent) { toldNobodyOnline.insert(id) }
            }
            return
        }
        guard !texts.queue.isEmpty else { return }
        let now = clock.now()
        for (offset, id) in queue[(from - 1)...].enumerated() {
            let position = from + offset
            if let told = toldPosition[id] {
                guard told.position != position, position <= Self.positionUpdatesFrom,
                    now.timeIntervalSince(told.at) >= Self.positionUpdateEvery
                else { continue }
            }
            if await tell(id, texts.queue.replacingOccurrences(of: "{{position}}", with: String(position))) {
                toldPosition[id] = (position, now)
            }
        }
    }

    /// A system message to a customer still waiting; false when they no longer wait.
    private func tell(_ id: ConversationID, _ text: String) async -> Bool {
        do {
            guard let (message, conversation) = try await store.tellWaiting(id, text, at: clock.now()) else { return false }
            bus.publish([.messageCreated(message, conversation)])
            messagesQueued()
            return true
        } catch {
            logger.error("waiting customer not told", metadata: ["conversation": "\(id)", "error": "\(error)"])
            return false
        }
    }

    /// "on Monday at 09:00 (Asia/Shanghai)", in the team's zone, named as the admin wrote it:
    /// Foundation reads "UTC" back as "GMT", which a customer was never told.
    static func opening(_ date: Date?, in zone: TimeZone, named name: String? = nil) -> String {
        guard let date else { return "later" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "'on' EEEE 'at' HH:mm"
        return "\(formatter.string(from: date)) (\(name ?? zone.identifier))"
    }

    private func assign(_ id: ConversationID, to agent: AgentID, reason: AssignmentReason) async {
        let capacity = router.agent(agent)?.capacity ?? 0
        let channel = channels.removeValue(forKey: id)
        var timers = TimerSettings(idleTimeout: 0)
        if let channel, let connector = try? await registry.connector(for: channel) { timers = connector.policy.timers }
        do {
            if let (conversation, transition) = try await store.assignFromQueue(id, to: agent, capacity: capacity, timers: timers, at: clock.now()) {
                Counter(label: "parley_routing_assignments_total", dimensions: [("reason", reason.rawValue)], factory: factory).increment()
                logger.info("conversation assigned", metadata: ["conversation": "\(id)", "agent": "\(agent)", "reason": "\(reason)"])
                bus.publish([.conversationUpdated(conversation, transition)])
                return
            }
            // Someone else changed it first (an agent's own claim, another node): the store says what is true now.
            Counter(label: "parley_routing_conflicts_total", factory: factory).increment()
        } catch {
            logger.error("assignment not stored", metadata: ["conversation": "\(id)", "agent": "\(agent)", "error": "\(error)"])
        }
        reconcile(conversations: [id], agents: [agent])
    }

    /// Overflow timers: wakes at the router's next timed check, or when a change may have moved it
    /// (`reconcile` signals; a tick itself does not, or the loop would spin).
    private func timedChecks() async {
        var lastRebuild = clock.now()
        while !Task.isCancelled {
            let now = clock.now()
            if now.timeIntervalSince(lastRebuild) >= rebuildEvery {
                await rebuild()
                lastRebuild = now
            } else {
                await perform(router.handle(.tick, now: now))
            }
            let next = min(router.nextTimedCheck(after: now) ?? .distantFuture, lastRebuild.addingTimeInterval(rebuildEvery))
            let seconds = max(0.001, next.timeIntervalSince(clock.now()))
            await wakeSignal.wait(timeout: .milliseconds(Int64((seconds * 1000).rounded(.up))))
        }
    }

    private static func differs(_ a: AgentRouting, _ b: AgentRouting) -> Bool {
        a.teams != b.teams || a.capacity != b.capacity || a.presence != b.presence || a.activeChats != b.activeChats
    }

    static func teamRouting(_ team: TeamRecord) -> TeamRouting {
        // Profiles are validated when saved; one that no longer reads (a zone the system dropped)
        // leaves the team always open rather than closed for good.
        TeamRouting(
            id: team.id, name: team.name, strategy: RoutingStrategy(rawValue: team.strategy) ?? .leastBusy,
            priority: team.profile.priorityRules, stickyWindow: team.stickyWindow,
            overflow: team.overflowTeam.map { OverflowRule(team: $0, afterWaiting: team.overflowAfter) },
            hours: (try? team.profile.businessHours()) ?? nil
        )
    }

    static func agentRouting(_ load: AgentLoad) -> AgentRouting {
        AgentRouting(
            id: load.id, teams: Set(load.teams), capacity: load.capacity, presence: Presence(rawValue: load.presence) ?? .offline,
            activeChats: load.activeChats, lastAssignedAt: load.lastAssignedAt
        )
    }

    static func entry(_ waiting: WaitingConversation) -> QueueEntry {
        var previous: PreviousAgent?
        if let agent = waiting.previousAgent, let at = waiting.previouslyServedAt { previous = PreviousAgent(agent: agent, servedAt: at) }
        return QueueEntry(
            conversationID: waiting.id, team: waiting.team, enqueuedAt: waiting.waitingSince, isVIP: waiting.isVIP,
            isRepeatVisitor: waiting.repeatVisitor, lastFailedQueueAt: waiting.lastFailedQueueAt, previousAgent: previous,
            escalatedFrom: waiting.escalatedFrom, reopenedFrom: waiting.reopenedFrom
        )
    }
}
