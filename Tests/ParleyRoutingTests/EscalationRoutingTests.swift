import Foundation
import ParleyCore
import ParleyRouting
import Testing

/// A customer who waited past the agent-reply timeout is taken from the agent who let them wait:
/// another agent of the team first, then the overflow team, and that agent again only as a last
/// resort, so the customer is never left with nobody.
@Suite("Escalation routing")
struct EscalationRoutingTests {
    /// Agent 1 served the contact a minute ago (sticky, 1 h) and is the least busy; agent 1 let the
    /// customer wait.
    private func escalated(from agent: Int64 = 1) -> RoutingEvent {
        .enqueued(Fixture.entry(10, at: Fixture.at(-600), previous: (agent: agent, at: Fixture.at(-60)), escalatedFrom: agent))
    }

    @Test(arguments: [RoutingStrategy.leastBusy, .roundRobin])
    func anotherAgentOfTheTeamGetsItAheadOfTheStickyAndLeastBusyPick(strategy: RoutingStrategy) {
        var router = Router(
            teams: [Fixture.team(1, strategy, sticky: 3600)],
            agents: [Fixture.agent(1, capacity: 3), Fixture.agent(2, capacity: 3, active: 2)],
            queue: []
        )
        #expect(router.handle(escalated(), now: Fixture.t0).assignments == ["c10→a2"])
    }

    @Test func withNobodyElseFreeInTheTeamItOverflowsToAFreeAgentThere() {
        var router = Router(
            teams: [Fixture.team(1, overflow: Fixture.overflow(to: 2, after: 3600)), Fixture.team(2)],
            agents: [Fixture.agent(1, capacity: 3), Fixture.agent(2, capacity: 3, active: 3), Fixture.agent(3, teams: [2])],
            queue: []
        )
        let actions = router.handle(escalated(), now: Fixture.t0)
        #expect(actions.contains(.overflowed(c(10), from: t(1), to: t(2))))
        #expect(actions.assignments == ["c10→a3"])
    }

    @Test func aRouterLoadedWithTheEscalatedChatQueuedAlsoSendsItToTheOverflowTeam() {
        var router = Router(
            teams: [Fixture.team(1, overflow: Fixture.overflow(to: 2, after: 3600)), Fixture.team(2)],
            agents: [Fixture.agent(1, capacity: 3), Fixture.agent(3, teams: [2])],
            queue: [Fixture.entry(10, at: Fixture.at(-600), escalatedFrom: 1)]
        )
        let actions = router.handle(.tick, now: Fixture.t0)
        #expect(actions.contains(.overflowed(c(10), from: t(1), to: t(2))))
        #expect(actions.assignments == ["c10→a3"])
    }

    @Test func whenNobodyElseCanTakeItTheSameAgentGetsItRatherThanNobody() {
        var router = Router(
            teams: [Fixture.team(1, overflow: Fixture.overflow(to: 2)), Fixture.team(2)],
            agents: [Fixture.agent(1, capacity: 3), Fixture.agent(2, capacity: 1, active: 1), Fixture.agent(3, teams: [2], presence: .away)],
            queue: []
        )
        let actions = router.handle(escalated(), now: Fixture.t0)
        #expect(!actions.contains { if case .overflowed = $0 { true } else { false } })
        #expect(actions.assignments == ["c10→a1"])
    }

    @Test func aConversationThatWasNotEscalatedStillGoesToItsStickyAgent() {
        var router = Router(
            teams: [Fixture.team(1, sticky: 3600)],
            agents: [Fixture.agent(1, capacity: 3, active: 1), Fixture.agent(2, capacity: 3)],
            queue: []
        )
        let returning = Fixture.entry(10, previous: (agent: 1, at: Fixture.at(-60)))
        #expect(router.handle(.enqueued(returning), now: Fixture.t0).assignments == ["c10→a1"])
    }
}
