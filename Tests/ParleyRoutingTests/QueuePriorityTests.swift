import Foundation
import ParleyCore
import ParleyRouting
import Testing

@Suite("Queue priority")
struct QueuePriorityTests {
    /// Nobody can take a chat, so everything queues and the order is visible.
    private func busyRouter(_ rules: PriorityRules) -> Router {
        Router(teams: [Fixture.team(1, priority: rules)], agents: [Fixture.agent(1, capacity: 1, active: 1)], queue: [])
    }

    private func order(_ rules: PriorityRules, _ entries: [QueueEntry]) -> [Int64] {
        var router = busyRouter(rules)
        for entry in entries { _ = router.handle(.enqueued(entry), now: entry.enqueuedAt) }
        return router.waiting(in: 1)
    }

    private static let onlyVIP = PriorityRules(vipFirst: true, returningAfterFailedQueueFirst: false, repeatVisitorsFirst: false)
    private static let onlyReturning = PriorityRules(vipFirst: false, returningAfterFailedQueueFirst: true, repeatVisitorsFirst: false)
    private static let onlyRepeat = PriorityRules(vipFirst: false, returningAfterFailedQueueFirst: false, repeatVisitorsFirst: true)

    @Test func vipFirstWhenTheRuleIsOn() {
        let entries = [Fixture.entry(1, at: Fixture.at(0)), Fixture.entry(2, at: Fixture.at(10), vip: true)]
        #expect(order(Self.onlyVIP, entries) == [2, 1])
        #expect(order(.waitTimeOnly, entries) == [1, 2])
        #expect(order(Self.onlyRepeat, entries) == [1, 2])
    }

    @Test func aCustomerBackAfterAFailedQueueEarlierTodayComesFirst() {
        // t0 is 08:00 UTC; the teams have no hours, so "today" is the UTC day.
        let entries = [
            Fixture.entry(1, at: Fixture.at(0)),
            Fixture.entry(2, at: Fixture.at(10), failedAt: Fixture.at(-9 * 3600)),  // yesterday 23:00: not today
            Fixture.entry(3, at: Fixture.at(20), failedAt: Fixture.at(-3600)),  // 07:00 today
        ]
        #expect(order(Self.onlyReturning, entries) == [3, 1, 2])
        #expect(order(.waitTimeOnly, entries) == [1, 2, 3])
    }

    @Test func earlierTodayMeansTheTeamsLocalDay() throws {
        // 08:00 UTC is 16:00 in Shanghai; 23:00 UTC yesterday is 07:00 today there.
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let hours = BusinessHours(timeZone: shanghai, days: Weekday.allCases, open: [OpenInterval(start: 0, end: 1440)!])
        var router = Router(
            teams: [Fixture.team(1, priority: Self.onlyReturning, hours: hours)],
            agents: [Fixture.agent(1, capacity: 1, active: 1)], queue: []
        )
        _ = router.handle(.enqueued(Fixture.entry(1, at: Fixture.at(0))), now: Fixture.at(0))
        _ = router.handle(.enqueued(Fixture.entry(2, at: Fixture.at(10), failedAt: Fixture.at(-9 * 3600))), now: Fixture.at(10))
        #expect(router.waiting(in: 1) == [2, 1])
    }

    @Test func repeatVisitorsBeforeFirstTimers() {
        let entries = [Fixture.entry(1, at: Fixture.at(0)), Fixture.entry(2, at: Fixture.at(10), repeatVisitor: true)]
        #expect(order(Self.onlyRepeat, entries) == [2, 1])
        #expect(order(.waitTimeOnly, entries) == [1, 2])
    }

    @Test func rulesRankInOrderThenWaitTimeThenID() {
        let entries = [
            Fixture.entry(1, at: Fixture.at(0)),
            Fixture.entry(2, at: Fixture.at(10), repeatVisitor: true),
            Fixture.entry(3, at: Fixture.at(20), failedAt: Fixture.at(-60)),
            Fixture.entry(4, at: Fixture.at(30), vip: true),
            Fixture.entry(5, at: Fixture.at(40), vip: true, repeatVisitor: true),
            Fixture.entry(7, at: Fixture.at(50)),
            Fixture.entry(6, at: Fixture.at(50)),
        ]
        #expect(order(PriorityRules(), entries) == [5, 4, 3, 2, 1, 6, 7])
    }

    @Test func changingTheRulesReordersTheWaitingQueue() {
        var router = busyRouter(.waitTimeOnly)
        _ = router.handle(.enqueued(Fixture.entry(1, at: Fixture.at(0))), now: Fixture.at(0))
        _ = router.handle(.enqueued(Fixture.entry(2, at: Fixture.at(10), vip: true)), now: Fixture.at(10))
        #expect(router.waiting(in: 1) == [1, 2])
        let actions = router.handle(.teamUpserted(Fixture.team(1, priority: Self.onlyVIP)), now: Fixture.at(20))
        #expect(router.waiting(in: 1) == [2, 1])
        #expect(actions == [.queueMoved(t(1), fromPosition: 1)])
    }
}
