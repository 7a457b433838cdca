import Foundation
import ParleyCore
import ParleyRouting

/// The churn `parley-bench routing` replays: conversations arriving (more often while fewer than 10,000
/// wait, less often above), chats ending, agents going online/away/offline, capacity changes,
/// abandons, claims, transfers, ticks and the odd team config change. Events are drawn before the
/// clock starts, so only `Router.handle` is timed.
struct RoutingEventSource {
    enum Kind: String, CaseIterable {
        case enqueued, chatEnded, presence, capacity, removed, claim, transfer, tick, teamUpserted
    }

    private let scenario: RoutingScenario
    private var nextConversation = Int64(RoutingScenario.initialQueue + 1)
    /// Conversations that may still be queued; ones found gone are dropped when drawn.
    private var candidates: [ConversationID]

    init(scenario: RoutingScenario) {
        self.scenario = scenario
        candidates = scenario.queue.map(\.conversationID)
    }

    private func randomAgent(_ rng: inout SplitMix64) -> AgentID {
        AgentID(Int64.random(in: 1...Int64(RoutingScenario.agentCount), using: &rng))
    }

    private func randomTeam(_ rng: inout SplitMix64) -> TeamID {
        TeamID(Int64.random(in: 1...Int64(RoutingScenario.teamCount), using: &rng))
    }

    /// A conversation still waiting, and its entry.
    private mutating func queuedConversation(_ router: Router, _ rng: inout SplitMix64) -> QueueEntry? {
        for _ in 0..<8 where !candidates.isEmpty {
            let index = Int.random(in: 0..<candidates.count, using: &rng)
            if let entry = router.queueEntry(of: candidates[index]) { return entry }
            candidates.swapAt(index, candidates.count - 1)
            candidates.removeLast()
        }
        return nil
    }

    mutating func next(_ router: Router, now: Date, rng: inout SplitMix64) -> (Kind, RoutingEvent) {
        let enqueueShare = router.queuedCount < RoutingScenario.initialQueue ? 36 : 26
        if Int.random(in: 0..<100, using: &rng) < enqueueShare {
            let id = ConversationID(nextConversation)
            nextConversation += 1
            candidates.append(id)
            return (.enqueued, .enqueued(RoutingScenario.entry(id, at: now, rng: &rng)))
        }
        // Everything else, in percent of the non-arrival events.
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<42:
            // A chat ends for an agent who has one.
            for _ in 0..<8 {
                let agent = randomAgent(&rng)
                if (router.agent(agent)?.activeChats ?? 0) > 0 { return (.chatEnded, .chatEnded(agent)) }
            }
            return (.tick, .tick)
        case 42..<62:
            let roll = Int.random(in: 0..<20, using: &rng)
            return (.presence, .presenceChanged(randomAgent(&rng), roll < 12 ? .online : roll < 17 ? .away : .offline))
        case 62..<67:
            return (.capacity, .capacityChanged(randomAgent(&rng), Int.random(in: 2...6, using: &rng)))
        case 67..<77:
            guard let entry = queuedConversation(router, &rng) else { return (.tick, .tick) }
            return (.removed, .removed(entry.conversationID))
        case 77..<86:
            guard let entry = queuedConversation(router, &rng) else { return (.tick, .tick) }
            let agent = scenario.members[entry.team]?.randomElement(using: &rng) ?? randomAgent(&rng)
            return (.claim, .claim(entry.conversationID, by: agent))
        case 86..<92:
            guard let entry = queuedConversation(router, &rng) else { return (.tick, .tick) }
            let target: TransferTarget = Bool.random(using: &rng) ? .team(randomTeam(&rng)) : .agent(randomAgent(&rng))
            return (.transfer, .transfer(entry, from: nil, to: target))
        default:
            if Int.random(in: 0..<100, using: &rng) == 0, var team = router.team(randomTeam(&rng)) {
                // A supervisor flips a priority rule: the team's queue is re-ranked.
                team.priority.vipFirst.toggle()
                return (.teamUpserted, .teamUpserted(team))
            }
            return (.tick, .tick)
        }
    }
}
