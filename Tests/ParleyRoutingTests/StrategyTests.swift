import Foundation
import ParleyCore
import ParleyRouting
import Testing

@Suite("Assignment strategies")
struct StrategyTests {
    @Test func leastBusyPicksFewestChatsThenTheAgentIdleLongest() {
        var router = Router(
            teams: [Fixture.team(1, .leastBusy)],
            agents: [
                Fixture.agent(1, capacity: 3, active: 2),
                Fixture.agent(2, capacity: 3, active: 1, lastAssigned: Fixture.at(-60)),
                Fixture.agent(3, capacity: 3, active: 1, lastAssigned: Fixture.at(-600)),
                Fixture.agent(4, capacity: 3, active: 1),
            ],
            queue: []
        )
        var assigned: [String] = []
        for id in Int64(1)...4 {
            assigned += router.handle(.enqueued(Fixture.entry(id)), now: Fixture.at(Double(id))).assignments
        }
        // One chat each for 2, 3, 4: never-assigned 4 first, then 3 (idle since -600), then 2. Then all have
        // two chats and agent 1, never assigned, is idle longest. After that the oldest assignment: 4.
        #expect(assigned == ["c1→a4", "c2→a3", "c3→a2", "c4→a1"])
        #expect(router.handle(.enqueued(Fixture.entry(5)), now: Fixture.at(5)).assignments == ["c5→a4"])
        #expect(router.chats(of: 1) == 3)
    }

    @Test func roundRobinGoesInAgentIDOrderWrapsAndSkipsUnavailableAgents() {
        var router = Router(
            teams: [Fixture.team(1, .roundRobin)],
            agents: [Fixture.agent(3, capacity: 5), Fixture.agent(1, capacity: 5), Fixture.agent(2, capacity: 5)],
            queue: []
        )
        var assigned: [String] = []
        for id in Int64(1)...4 {
            assigned += router.handle(.enqueued(Fixture.entry(id)), now: Fixture.at(Double(id))).assignments
        }
        #expect(assigned == ["c1→a1", "c2→a2", "c3→a3", "c4→a1"])

        // Agent 2 steps away; the turn after agent 1 skips to 3, then wraps to 1.
        _ = router.handle(.presenceChanged(a(2), .away), now: Fixture.at(10))
        assigned = []
        for id in Int64(5)...6 {
            assigned += router.handle(.enqueued(Fixture.entry(id)), now: Fixture.at(Double(id) + 10)).assignments
        }
        #expect(assigned == ["c5→a3", "c6→a1"])

        // Agent 3 is full: skipped as well.
        _ = router.handle(.capacityChanged(a(3), 2), now: Fixture.at(20))
        #expect(router.handle(.enqueued(Fixture.entry(7)), now: Fixture.at(21)).assignments == ["c7→a1"])
    }

    @Test func manualClaimAssignsNothingUntilAnAgentClaims() {
        var router = Router(teams: [Fixture.team(1, .manualClaim)], agents: [Fixture.agent(1), Fixture.agent(2)], queue: [])
        let queued = router.handle(.enqueued(Fixture.entry(10)), now: Fixture.t0)
        #expect(queued == [.queueMoved(t(1), fromPosition: 1)])
        #expect(router.position(of: c(10)) == 1)
        // Capacity appearing does not drain a manual queue either.
        #expect(router.handle(.capacityChanged(a(1), 5), now: Fixture.at(1)).assignments.isEmpty)

        let claimed = router.handle(.claim(c(10), by: a(2)), now: Fixture.at(2))
        #expect(claimed.first == .assign(c(10), agent: a(2), team: t(1), reason: .claim))
        #expect(router.position(of: c(10)) == nil)
        #expect(router.chats(of: 2) == 1)
    }

    @Test func aClaimIsRefusedWithTheReason() {
        var router = Router(
            teams: [Fixture.team(1, .manualClaim), Fixture.team(2, .manualClaim)],
            agents: [
                Fixture.agent(1), Fixture.agent(2, teams: [2]), Fixture.agent(3, presence: .away),
                Fixture.agent(7, capacity: 3, active: 3),
            ],
            queue: [Fixture.entry(10)]
        )
        let outsider = router.handle(.claim(c(10), by: a(2)), now: Fixture.t0).refusal
        #expect(outsider?.kind == .notTeamMember)
        #expect(outsider?.reason == "agent 2 is not in team 1")
        let away = router.handle(.claim(c(10), by: a(3)), now: Fixture.t0).refusal
        #expect(away?.kind == .agentNotOnline)
        #expect(away?.reason == "agent 3 is away, not online")
        let full = router.handle(.claim(c(10), by: a(7)), now: Fixture.t0).refusal
        #expect(full?.kind == .atCapacity)
        #expect(full?.reason == "agent 7 is at capacity (3 of 3 chats)")
        #expect(router.handle(.claim(c(10), by: a(99)), now: Fixture.t0).refusal?.kind == .unknownAgent)
        // Nothing changed through all that.
        #expect(router.position(of: c(10)) == 1)

        #expect(router.handle(.claim(c(10), by: a(1)), now: Fixture.t0).assignments == ["c10→a1"])
        // The race every 抢单 system has: the second claimer learns it is gone.
        let late = router.handle(.claim(c(10), by: a(1)), now: Fixture.t0).refusal
        #expect(late?.kind == .notQueued)
        #expect(late?.reason == "conversation 10 is no longer queued")
        #expect(router.chats(of: 1) == 1)
    }
}
