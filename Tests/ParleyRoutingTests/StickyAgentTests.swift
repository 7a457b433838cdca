import Foundation
import ParleyCore
import ParleyRouting
import Testing

@Suite("Sticky agent")
struct StickyAgentTests {
    /// Agent 1 is busier than agent 2, so least-busy alone would pick 2; agent 1 served the contact.
    private func router(sticky: TimeInterval = 3600, agent1: AgentRouting = Fixture.agent(1, capacity: 3, active: 1)) -> Router {
        Router(
            teams: [Fixture.team(1, .leastBusy, sticky: sticky), Fixture.team(2)],
            agents: [agent1, Fixture.agent(2, capacity: 3)],
            queue: []
        )
    }

    private func returning(servedAt: Date) -> RoutingEvent {
        .enqueued(Fixture.entry(10, at: Fixture.t0, previous: (agent: 1, at: servedAt)))
    }

    @Test func thePreviousAgentGetsTheContactWithinTheWindow() {
        var router = router()
        let actions = router.handle(returning(servedAt: Fixture.at(-3600)), now: Fixture.t0)
        #expect(actions.first == .assign(c(10), agent: a(1), team: t(1), reason: .sticky))
    }

    @Test func afterTheWindowTheStrategyDecides() {
        var router = router()
        let actions = router.handle(returning(servedAt: Fixture.at(-3601)), now: Fixture.t0)
        #expect(actions.first == .assign(c(10), agent: a(2), team: t(1), reason: .strategy))
    }

    @Test func aReopenedConversationGoesBackToItsAgentWhateverTheWindow() {
        var router = router(sticky: 0)
        let reopened = QueueEntry(conversationID: c(10), team: t(1), enqueuedAt: Fixture.t0, reopenedFrom: a(1))
        #expect(router.handle(.enqueued(reopened), now: Fixture.t0).first == .assign(c(10), agent: a(1), team: t(1), reason: .sticky))
    }

    @Test func aReopenedConversationWhoseAgentIsFullTakesTheStrategysPick() {
        var router = router(sticky: 0, agent1: Fixture.agent(1, capacity: 1, active: 1))
        let reopened = QueueEntry(conversationID: c(10), team: t(1), enqueuedAt: Fixture.t0, reopenedFrom: a(1))
        #expect(router.handle(.enqueued(reopened), now: Fixture.t0).assignments == ["c10→a2"])
    }

    @Test func aZeroWindowTurnsStickyOff() {
        var router = router(sticky: 0)
        #expect(router.handle(returning(servedAt: Fixture.t0), now: Fixture.t0).assignments == ["c10→a2"])
    }

    @Test func aPreviousAgentWhoIsAwayFullOrOutsideTheTeamIsPassedOver() {
        for agent1 in [
            Fixture.agent(1, capacity: 3, presence: .away),
            Fixture.agent(1, capacity: 3, presence: .offline),
            Fixture.agent(1, capacity: 3, active: 3),
            Fixture.agent(1, teams: [2], capacity: 3),
        ] {
            var router = router(agent1: agent1)
            let actions = router.handle(returning(servedAt: Fixture.at(-60)), now: Fixture.t0)
            #expect(actions.first == .assign(c(10), agent: a(2), team: t(1), reason: .strategy), "\(agent1)")
        }
    }

    /// Sticky routing is a preference, never a reason to keep a customer waiting.
    @Test func aWaitingContactIsNotHeldBackForABusyPreviousAgent() {
        var router = Router(
            teams: [Fixture.team(1, .leastBusy, sticky: 3600)],
            agents: [Fixture.agent(1, capacity: 1, active: 1), Fixture.agent(2, capacity: 1, active: 1)],
            queue: []
        )
        _ = router.handle(.enqueued(Fixture.entry(10, previous: (agent: 1, at: Fixture.at(-60)))), now: Fixture.t0)
        #expect(router.position(of: c(10)) == 1)
        let actions = router.handle(.chatEnded(a(2)), now: Fixture.at(1))
        #expect(actions.first == .assign(c(10), agent: a(2), team: t(1), reason: .strategy))
    }

    @Test func aWaitingContactGoesToTheirAgentWhenTheirSlotOpens() {
        var router = Router(
            teams: [Fixture.team(1, .leastBusy, sticky: 3600)],
            agents: [Fixture.agent(1, capacity: 1, active: 1), Fixture.agent(2, capacity: 1, active: 1)],
            queue: []
        )
        _ = router.handle(.enqueued(Fixture.entry(10, previous: (agent: 1, at: Fixture.at(-60)))), now: Fixture.t0)
        let actions = router.handle(.chatEnded(a(1)), now: Fixture.at(1))
        #expect(actions.first == .assign(c(10), agent: a(1), team: t(1), reason: .sticky))
    }
}
