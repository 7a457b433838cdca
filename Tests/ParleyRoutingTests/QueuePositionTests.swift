import Foundation
import ParleyCore
import ParleyRouting
import Testing

/// Customers are told their place in line; `queueMoved` says from which place on it changed.
@Suite("Queue position")
struct QueuePositionTests {
    /// Conversations 1...5 waiting in team 1 in that order; agent 1 (team 1) and agent 2 (team 2) are full.
    private func router() -> Router {
        Router(
            teams: [Fixture.team(1), Fixture.team(2)],
            agents: [Fixture.agent(1, capacity: 1, active: 1), Fixture.agent(2, teams: [2], capacity: 1, active: 1)],
            queue: (1...5).map { Fixture.entry(Int64($0), at: Fixture.at(Double($0))) }
        )
    }

    private func positions(_ router: Router, _ ids: ClosedRange<Int64>) -> [Int?] {
        ids.map { router.position(of: c($0)) }
    }

    @Test func positionsCountFromOne() {
        #expect(positions(router(), 1...6) == [1, 2, 3, 4, 5, nil])
    }

    @Test func anAssignmentMovesEveryoneUp() {
        var router = router()
        let actions = router.handle(.chatEnded(a(1)), now: Fixture.at(10))
        #expect(actions == [.assign(c(1), agent: a(1), team: t(1), reason: .strategy), .queueMoved(t(1), fromPosition: 1)])
        #expect(positions(router, 1...5) == [nil, 1, 2, 3, 4])
    }

    @Test func aRemovalMovesOnlyThoseBehindIt() {
        var router = router()
        #expect(router.handle(.removed(c(3)), now: Fixture.at(10)) == [.queueMoved(t(1), fromPosition: 3)])
        #expect(positions(router, 1...5) == [1, 2, nil, 3, 4])
        // Removing the last one moves nobody; removing twice is harmless.
        #expect(router.handle(.removed(c(5)), now: Fixture.at(11)).isEmpty)
        #expect(router.handle(.removed(c(5)), now: Fixture.at(12)).isEmpty)
        #expect(positions(router, 1...5) == [1, 2, nil, 3, nil])
    }

    @Test func aVIPArrivingPushesEveryoneBackAndANewcomerJoinsAtTheEnd() {
        var router = router()
        #expect(router.handle(.enqueued(Fixture.entry(6, at: Fixture.at(20))), now: Fixture.at(20)) == [
            .queueMoved(t(1), fromPosition: 6),
        ])
        #expect(router.handle(.enqueued(Fixture.entry(7, at: Fixture.at(21), vip: true)), now: Fixture.at(21)) == [
            .queueMoved(t(1), fromPosition: 1),
        ])
        #expect(positions(router, 1...7) == [2, 3, 4, 5, 6, 7, 1])
    }

    @Test func aTransferOutAndABackfillReportTheEarliestChange() {
        var router = router()
        let actions = router.handle(.transfer(Fixture.entry(4), from: nil, to: .team(t(2))), now: Fixture.at(20))
        #expect(actions == [.queueMoved(t(1), fromPosition: 4), .queueMoved(t(2), fromPosition: 1)])
        #expect(positions(router, 1...5) == [1, 2, 3, 1, 4])
    }
}
