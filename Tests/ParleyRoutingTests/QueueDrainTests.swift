import Foundation
import ParleyCore
import ParleyRouting
import Testing

/// The queue drains whenever capacity appears, best-ranked and longest-waiting first.
@Suite("Queue drain")
struct QueueDrainTests {
    /// Five waiting in team 1 (the VIP 5 newest), nobody online.
    private func waitingRouter(agents: [AgentRouting] = [Fixture.agent(1, capacity: 3, presence: .offline)]) -> Router {
        Router(
            teams: [Fixture.team(1), Fixture.team(2)], agents: agents,
            queue: (1...4).map { Fixture.entry(Int64($0), at: Fixture.at(Double($0))) } + [Fixture.entry(5, at: Fixture.at(5), vip: true)]
        )
    }

    @Test func anAgentComingOnlineTakesTheBestWaitingUpToCapacity() {
        var router = waitingRouter()
        let actions = router.handle(.presenceChanged(a(1), .online), now: Fixture.at(60))
        #expect(actions.assignments == ["c5→a1", "c1→a1", "c2→a1"])
        #expect(actions.last == .queueMoved(t(1), fromPosition: 1))
        #expect(router.waiting(in: 1) == [3, 4])
        #expect(router.chats(of: 1) == 3)
    }

    @Test func aChatEndingHandsTheNextOneOver() {
        var router = waitingRouter()
        _ = router.handle(.presenceChanged(a(1), .online), now: Fixture.at(60))
        #expect(router.handle(.chatEnded(a(1)), now: Fixture.at(61)).assignments == ["c3→a1"])
        #expect(router.chats(of: 1) == 3)
    }

    @Test func raisingCapacityAssignsMore() {
        var router = waitingRouter()
        _ = router.handle(.presenceChanged(a(1), .online), now: Fixture.at(60))
        #expect(router.handle(.capacityChanged(a(1), 5), now: Fixture.at(61)).assignments == ["c3→a1", "c4→a1"])
        #expect(router.queueLength(of: t(1)) == 0)
        // Lowering it below the load takes nothing away, and nothing more is given.
        _ = router.handle(.capacityChanged(a(1), 2), now: Fixture.at(62))
        _ = router.handle(.enqueued(Fixture.entry(9, at: Fixture.at(62))), now: Fixture.at(62))
        #expect(router.handle(.chatEnded(a(1)), now: Fixture.at(63)).assignments.isEmpty)
        #expect(router.chats(of: 1) == 4)
    }

    @Test func anAgentJoiningTheTeamDrainsIt() {
        var router = waitingRouter(agents: [Fixture.agent(1, teams: [2], capacity: 2)])
        let actions = router.handle(.agentUpserted(Fixture.agent(1, teams: [1, 2], capacity: 2)), now: Fixture.at(60))
        #expect(actions.assignments == ["c5→a1", "c1→a1"])
    }

    @Test func switchingAManualTeamToAutomaticDrainsIt() {
        var router = Router(
            teams: [Fixture.team(1, .manualClaim)], agents: [Fixture.agent(1, capacity: 1), Fixture.agent(2, capacity: 1)],
            queue: [Fixture.entry(1, at: Fixture.at(1)), Fixture.entry(2, at: Fixture.at(2)), Fixture.entry(3, at: Fixture.at(3))]
        )
        #expect(router.handle(.tick, now: Fixture.at(10)).isEmpty)
        let actions = router.handle(.teamUpserted(Fixture.team(1, .roundRobin)), now: Fixture.at(20))
        #expect(actions.assignments == ["c1→a1", "c2→a2"])
        #expect(router.waiting(in: 1) == [3])
    }

    @Test func theFirstTickAfterLoadingServesWhatTheStateAllows() {
        var router = Router(
            teams: [Fixture.team(1)], agents: [Fixture.agent(1, capacity: 1)],
            queue: [Fixture.entry(2, at: Fixture.at(2)), Fixture.entry(1, at: Fixture.at(1))]
        )
        #expect(router.handle(.tick, now: Fixture.at(10)).assignments == ["c1→a1"])
    }

    @Test func anAgentInTwoTeamsTakesWhoeverHasPriorityAcrossThem() {
        var router = Router(
            teams: [Fixture.team(1), Fixture.team(2)], agents: [Fixture.agent(1, teams: [1, 2], capacity: 2, presence: .away)],
            queue: [
                Fixture.entry(1, team: 1, at: Fixture.at(5)), Fixture.entry(2, team: 2, at: Fixture.at(1)),
                Fixture.entry(3, team: 1, at: Fixture.at(9), vip: true),
            ]
        )
        #expect(router.handle(.presenceChanged(a(1), .online), now: Fixture.at(60)).assignments == ["c3→a1", "c2→a1"])
    }

    @Test func awayAgentsKeepTheirChatsButGetNothingNew() {
        var router = waitingRouter(agents: [Fixture.agent(1, capacity: 3, presence: .away, active: 3)])
        #expect(router.handle(.chatEnded(a(1)), now: Fixture.at(60)).isEmpty)
        #expect(router.chats(of: 1) == 2)
        #expect(router.queueLength(of: t(1)) == 5)
        #expect(router.handle(.presenceChanged(a(1), .online), now: Fixture.at(61)).assignments == ["c5→a1"])
    }
}
