import Foundation
import ParleyCore
import ParleyRouting
import Testing

@Suite("Overflow")
struct OverflowTests {
    @Test func aTeamWithNobodyOnlineOverflowsNewConversations() {
        var router = Router(
            teams: [Fixture.team(1, overflow: Fixture.overflow(to: 2)), Fixture.team(2)],
            agents: [Fixture.agent(1, teams: [1], presence: .away), Fixture.agent(2, teams: [2])],
            queue: []
        )
        let actions = router.handle(.enqueued(Fixture.entry(10)), now: Fixture.t0)
        #expect(actions == [
            .overflowed(c(10), from: t(1), to: t(2)),
            .assign(c(10), agent: a(2), team: t(2), reason: .strategy),
        ])
    }

    @Test func conversationsLoadedIntoATeamWithNobodyOnlineOverflowAtTheFirstTick() {
        // The store's state at start-up: the conversation was queued while nobody in team 1 was online.
        var router = Router(
            teams: [Fixture.team(1, overflow: Fixture.overflow(to: 2)), Fixture.team(2)],
            agents: [Fixture.agent(1, teams: [1], presence: .offline), Fixture.agent(2, teams: [2])],
            queue: [Fixture.entry(10)]
        )
        #expect(router.handle(.tick, now: Fixture.t0).assignments == ["c10→a2"])
    }

    @Test func withoutOverflowTheCustomerIsToldNobodyIsOnlineAndStaysQueued() {
        var router = Router(teams: [Fixture.team(1)], agents: [Fixture.agent(1, presence: .offline)], queue: [])
        let actions = router.handle(.enqueued(Fixture.entry(10)), now: Fixture.t0)
        #expect(actions == [.noAgentOnline(c(10), team: t(1)), .queueMoved(t(1), fromPosition: 1)])
        // The first agent online takes it.
        #expect(router.handle(.presenceChanged(a(1), .online), now: Fixture.at(5)).assignments == ["c10→a1"])
    }

    @Test func oneHopPerDecisionAndNeverBackIntoATeamItLeft() {
        // 1 → 2 → 3 → 1, and nobody online anywhere.
        var router = Router(
            teams: [
                Fixture.team(1, overflow: Fixture.overflow(to: 2)), Fixture.team(2, overflow: Fixture.overflow(to: 3)),
                Fixture.team(3, overflow: Fixture.overflow(to: 1)),
            ],
            agents: [], queue: []
        )
        let first = router.handle(.enqueued(Fixture.entry(10)), now: Fixture.t0)
        #expect(first == [
            .overflowed(c(10), from: t(1), to: t(2)), .noAgentOnline(c(10), team: t(2)), .queueMoved(t(2), fromPosition: 1),
        ])
        #expect(router.nextTimedCheck(after: Fixture.t0) == Fixture.t0)
        #expect(router.handle(.tick, now: Fixture.at(1)) == [
            .overflowed(c(10), from: t(2), to: t(3)), .queueMoved(t(3), fromPosition: 1),
        ])
        // Team 3 would send it back to 1, which it already left: it stays, and nothing is pending.
        #expect(router.handle(.tick, now: Fixture.at(2)).isEmpty)
        #expect(router.waiting(in: 3) == [10])
        #expect(router.queueEntry(of: c(10))?.overflowedFrom == [t(1), t(2)])
        #expect(router.nextTimedCheck(after: Fixture.at(2)) == nil)
    }

    @Test func aLongChainIsWalkedOneHopPerTick() {
        var router = Router(
            teams: [
                Fixture.team(1, overflow: Fixture.overflow(to: 2)), Fixture.team(2, overflow: Fixture.overflow(to: 3)),
                Fixture.team(3, overflow: Fixture.overflow(to: 4)), Fixture.team(4),
            ],
            agents: [], queue: []
        )
        _ = router.handle(.enqueued(Fixture.entry(10)), now: Fixture.t0)
        #expect(router.queueEntry(of: c(10))?.team == t(2))
        #expect(router.handle(.tick, now: Fixture.at(1)).first == .overflowed(c(10), from: t(2), to: t(3)))
        #expect(router.queueEntry(of: c(10))?.team == t(3))
        #expect(router.handle(.tick, now: Fixture.at(2)).first == .overflowed(c(10), from: t(3), to: t(4)))
        #expect(router.handle(.tick, now: Fixture.at(3)).isEmpty)
    }

    @Test func theLastAgentGoingOfflineMovesTheQueue() {
        var router = Router(
            teams: [Fixture.team(1, overflow: Fixture.overflow(to: 2)), Fixture.team(2)],
            agents: [Fixture.agent(1, teams: [1], capacity: 1, active: 1), Fixture.agent(2, teams: [2], capacity: 1)],
            queue: [Fixture.entry(10, at: Fixture.at(0)), Fixture.entry(11, at: Fixture.at(1))]
        )
        let actions = router.handle(.presenceChanged(a(1), .offline), now: Fixture.at(60))
        #expect(actions == [
            .overflowed(c(10), from: t(1), to: t(2)), .overflowed(c(11), from: t(1), to: t(2)),
            .assign(c(10), agent: a(2), team: t(2), reason: .strategy), .queueMoved(t(2), fromPosition: 1),
        ])
        // The wait is the customer's, not the team's: the original enqueue time is kept.
        #expect(router.queueEntry(of: c(11))?.enqueuedAt == Fixture.at(1))
        #expect(router.queueEntry(of: c(11))?.enteredTeamAt == Fixture.at(60))
    }

    @Test func removingTheLastOnlineAgentMovesTheQueueToo() {
        var router = Router(
            teams: [Fixture.team(1, overflow: Fixture.overflow(to: 2)), Fixture.team(2)],
            agents: [Fixture.agent(1, teams: [1], capacity: 1, active: 1), Fixture.agent(2, teams: [2], capacity: 1, active: 1)],
            queue: [Fixture.entry(10)]
        )
        #expect(router.handle(.agentRemoved(a(1)), now: Fixture.at(60)) == [
            .overflowed(c(10), from: t(1), to: t(2)), .queueMoved(t(2), fromPosition: 1),
        ])
        #expect(router.agent(a(1)) == nil)
    }

    @Test func aConversationWaitingPastTheThresholdMovesOnTheTick() {
        var router = Router(
            teams: [Fixture.team(1, overflow: Fixture.overflow(to: 2, after: 120)), Fixture.team(2)],
            agents: [Fixture.agent(1, teams: [1], capacity: 1, active: 1), Fixture.agent(2, teams: [2], capacity: 1, active: 1)],
            queue: []
        )
        _ = router.handle(.enqueued(Fixture.entry(10, at: Fixture.at(0), vip: true)), now: Fixture.at(0))
        _ = router.handle(.enqueued(Fixture.entry(11, at: Fixture.at(30))), now: Fixture.at(30))
        _ = router.handle(.enqueued(Fixture.entry(12, at: Fixture.at(40), vip: true)), now: Fixture.at(40))
        #expect(router.nextTimedCheck(after: Fixture.at(40)) == Fixture.at(120))
        #expect(router.handle(.tick, now: Fixture.at(119)).isEmpty)
        #expect(router.handle(.tick, now: Fixture.at(150)) == [
            .overflowed(c(10), from: t(1), to: t(2)), .overflowed(c(11), from: t(1), to: t(2)),
            .queueMoved(t(1), fromPosition: 1), .queueMoved(t(2), fromPosition: 1),
        ])
        // Ordered by the time waited in the team, not by priority: the newer VIP 12 stays.
        #expect(router.waiting(in: 1) == [12])
        #expect(router.waiting(in: 2) == [10, 11])
        #expect(router.nextTimedCheck(after: Fixture.at(150)) == Fixture.at(160))
    }

    @Test func aClosedOverflowTeamHoldsTheMoveUntilItOpens() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        // Team 2 opens at 09:00 UTC; t0 is Friday 08:00 UTC.
        let nineToFive = BusinessHours(timeZone: utc, days: Weekday.workdays, open: [OpenInterval("09:00-17:00")!])
        var router = Router(
            teams: [Fixture.team(1, overflow: Fixture.overflow(to: 2, after: 60)), Fixture.team(2, hours: nineToFive)],
            agents: [Fixture.agent(1, teams: [1], capacity: 1, active: 1), Fixture.agent(2, teams: [2])],
            queue: []
        )
        _ = router.handle(.enqueued(Fixture.entry(10)), now: Fixture.t0)
        #expect(router.handle(.tick, now: Fixture.at(600)).isEmpty)
        #expect(router.nextTimedCheck(after: Fixture.at(600)) == Fixture.at(3600))
        #expect(router.handle(.tick, now: Fixture.at(3600)) == [
            .overflowed(c(10), from: t(1), to: t(2)), .assign(c(10), agent: a(2), team: t(2), reason: .strategy),
        ])
    }
}
