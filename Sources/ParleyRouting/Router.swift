import Foundation
import ParleyCore

/// The routing engine: which agent gets which waiting conversation, and when.
///
/// A pure state machine (STYLE.md §7): a value with no I/O, no locks and no clock of its own. The
/// gateway feeds it each committed change as a `RoutingEvent` with the time it happened and carries
/// out the returned `RoutingAction`s; tests do the same with fixed dates. Between events a scheduler
/// sleeps until `nextTimedCheck(after:)` and then sends `.tick`.
///
/// Guarantees after every `handle`: no agent is given more chats than its capacity; a conversation is
/// assigned at most once from the queue and leaves it when assigned; and in teams that assign
/// automatically, no online agent with a free slot sits idle while the team's queue is non-empty —
/// whenever capacity appears (an agent comes online, a chat ends, capacity is raised, an agent joins,
/// a team's config changes), the highest-priority, longest-waiting conversations are assigned at once,
/// as many as the free slots allow.
///
/// Business hours gate admission only: outside them a new conversation is not queued (`outsideHours`);
/// those already waiting at closing time stay queued and are served by agents still online.
///
/// Cost: every event touches only the teams of the agent or conversation it names. Queues and agent
/// pools are sorted arrays (`SortedArray`), so a decision is a few binary searches plus at most a
/// memmove; `position(of:)` is a dictionary lookup and a binary search. See `parley-bench routing`.
public struct Router: Sendable {
    var teams: [TeamID: TeamState] = [:]
    /// Configured team ids, sorted: ticks and sweeps visit teams in the same order on every run
    /// (dictionary order is seeded per process).
    var teamOrder: [TeamID] = []
    var agents: [AgentID: AgentRouting] = [:]
    /// Agents per team id, including team ids not configured yet, so a team added later finds them.
    var members: [TeamID: Set<AgentID>] = [:]
    var queued: [ConversationID: QueuedConversation] = [:]
    var log = DecisionLog()

    /// A router over the given state, as loaded from the store. Queue entries naming a team that is
    /// not in `teams`, and repeated conversation ids, are ignored. Nothing is assigned here: send
    /// `.tick` afterwards to drain whatever this state allows.
    public init(teams: [TeamRouting], agents: [AgentRouting], queue: [QueueEntry]) {
        for team in teams { self.teams[team.id] = TeamState(config: team) }
        teamOrder = self.teams.keys.sorted()
        for agent in agents {
            for team in agent.teams { members[team, default: []].insert(agent.id) }
            if let earlier = self.agents[agent.id] { reindex(earlier, as: nil) }
            reindex(nil, as: Self.sanitized(agent))
        }
        for entry in queue where self.teams[entry.team] != nil && queued[entry.conversationID] == nil {
            file(entry)
        }
        // Conversations loaded into a team with nobody online move on at the first tick, as they
        // would have on arrival.
        for id in teamOrder where self.teams[id]!.onlineCount == 0 && !self.teams[id]!.queue.isEmpty {
            self.teams[id]!.needsOverflowSweep = true
        }
        log = DecisionLog()
    }

    /// Applies `event`, which happened at `now`, and returns what the gateway must do, in order.
    public mutating func handle(_ event: RoutingEvent, now: Date) -> [RoutingAction] {
        switch event {
        case .enqueued(let entry): enqueue(entry, now: now)
        case .removed(let id): unfile(id)
        case .presenceChanged(let id, let presence): updateAgent(id, now: now) { $0.presence = presence }
        case .capacityChanged(let id, let capacity): updateAgent(id, now: now) { $0.capacity = max(0, capacity) }
        case .agentUpserted(let agent): upsertAgent(agent, now: now)
        case .agentRemoved(let id): removeAgent(id, now: now)
        case .chatEnded(let id): updateAgent(id, now: now) { $0.activeChats = max(0, $0.activeChats - 1) }
        case .claim(let id, let agent): claim(id, by: agent, now: now)
        case .transfer(let entry, let holder, let target): transfer(entry, from: holder, to: target, now: now)
        case .teamUpserted(let team): upsertTeam(team, now: now)
        case .tick: tick(now: now)
        }
        return log.finish(teams: teams)
    }

    /// The conversation's 1-based place in its team's queue, nil when it is not queued. O(log n).
    public func position(of id: ConversationID) -> Int? {
        guard let waiting = queued[id], let offset = teams[waiting.entry.team]?.queue.offset(of: waiting.key) else { return nil }
        return offset + 1
    }

    /// Whether any team is configured; with none there is nothing to route.
    public var hasTeams: Bool { !teams.isEmpty }

    /// The queue entry of a waiting conversation (its current team, wait and overflow history).
    public func queueEntry(of id: ConversationID) -> QueueEntry? { queued[id]?.entry }

    /// The team's waiting conversations, first in line first. O(n): for supervisors' views and tests.
    public func queue(of team: TeamID) -> [ConversationID] {
        teams[team]?.queue.elements.map(\.conversation) ?? []
    }

    public func queueLength(of team: TeamID) -> Int { teams[team]?.queue.count ?? 0 }

    /// How many of the team's agents are online (free or not).
    public func onlineCount(of team: TeamID) -> Int { teams[team]?.onlineCount ?? 0 }

    /// Conversations waiting in all teams.
    public var queuedCount: Int { queued.count }

    /// The agent as routing sees it now (presence, capacity, chat count).
    public func agent(_ id: AgentID) -> AgentRouting? { agents[id] }

    public func team(_ id: TeamID) -> TeamRouting? { teams[id]?.config }

    /// Whether the team takes new conversations at `date`; nil for an unknown team.
    public func isOpen(_ team: TeamID, at date: Date) -> Bool? { teams[team]?.isOpen(at: date) }

    mutating func refuse(_ id: ConversationID, _ refusal: RoutingRefusal) {
        log.append(.refused(id, refusal))
    }

    /// Capacity and chat counts below zero mean nothing; clamp rather than trust them.
    static func sanitized(_ agent: AgentRouting) -> AgentRouting {
        var agent = agent
        agent.capacity = max(0, agent.capacity)
        agent.activeChats = max(0, agent.activeChats)
        return agent
    }
}
