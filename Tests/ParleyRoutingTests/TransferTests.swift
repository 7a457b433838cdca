import Foundation
import ParleyCore
import ParleyRouting
import Testing

@Suite("Transfers")
struct TransferTests {
    /// Agent 1 holds conversation 10 (team 1); agent 7 is full; agent 3 is away; agent 2 (team 2) is free.
    private func router(queue: [QueueEntry] = []) -> Router {
        Router(
            teams: [Fixture.team(1), Fixture.team(2)],
            agents: [
                Fixture.agent(1, teams: [1], capacity: 1, active: 1), Fixture.agent(2, teams: [2], capacity: 2),
                Fixture.agent(3, teams: [1], presence: .away), Fixture.agent(7, teams: [1], capacity: 3, active: 3),
            ],
            queue: queue
        )
    }

    private let held = Fixture.entry(10, team: 1, at: Fixture.at(-300))

    @Test func toAnAgentWhoIsFullOrAwayIsRefusedWithTheReason() {
        var router = router()
        let full = router.handle(.transfer(held, from: a(1), to: .agent(a(7))), now: Fixture.t0).refusal
        #expect(full?.kind == .atCapacity)
        #expect(full?.reason == "agent 7 is at capacity (3 of 3 chats)")
        #expect(router.handle(.transfer(held, from: a(1), to: .agent(a(3))), now: Fixture.t0).refusal?.kind == .agentNotOnline)
        #expect(router.handle(.transfer(held, from: a(1), to: .agent(a(1))), now: Fixture.t0).refusal?.kind == .alreadyThere)
        #expect(router.chats(of: 1) == 1)
        #expect(router.chats(of: 7) == 3)
    }

    @Test func toAnAgentMovesTheSlotAndTheFreedSlotDrainsTheQueue() {
        var router = router(queue: [Fixture.entry(20, team: 1, at: Fixture.at(-10))])
        let actions = router.handle(.transfer(held, from: a(1), to: .agent(a(2))), now: Fixture.t0)
        #expect(actions == [
            .assign(c(10), agent: a(2), team: nil, reason: .transfer),
            .assign(c(20), agent: a(1), team: t(1), reason: .strategy),
        ])
        #expect(router.chats(of: 2) == 1)
        #expect(router.chats(of: 1) == 1)
    }

    @Test func toATeamKeepsTheOriginalWait() {
        // Team 2 is busy and has someone who has waited 100 s; conversation 10 has waited 300 s.
        var router = Router(
            teams: [Fixture.team(1), Fixture.team(2)],
            agents: [Fixture.agent(1, teams: [1], capacity: 1, active: 1), Fixture.agent(2, teams: [2], capacity: 1, active: 1)],
            queue: [Fixture.entry(30, team: 2, at: Fixture.at(-100))]
        )
        let actions = router.handle(.transfer(held, from: a(1), to: .team(t(2))), now: Fixture.t0)
        #expect(router.waiting(in: 2) == [10, 30])
        #expect(router.queueEntry(of: c(10))?.enqueuedAt == Fixture.at(-300))
        #expect(actions == [.queueMoved(t(2), fromPosition: 1)])
        #expect(router.chats(of: 1) == 0)
    }

    @Test func aQueuedConversationCanBeSentToAnAgentOrAnotherTeam() {
        var router = router(queue: [Fixture.entry(20, team: 1, at: Fixture.at(-10)), Fixture.entry(21, team: 1, at: Fixture.at(-5))])
        let toAgent = router.handle(.transfer(Fixture.entry(20), from: nil, to: .agent(a(2))), now: Fixture.t0)
        #expect(toAgent.first == .assign(c(20), agent: a(2), team: t(1), reason: .transfer))
        let toTeam = router.handle(.transfer(Fixture.entry(21), from: nil, to: .team(t(2))), now: Fixture.t0)
        #expect(toTeam.first == .assign(c(21), agent: a(2), team: t(2), reason: .strategy))
    }

    @Test func aTransferMustAgreeWithWhereTheConversationIs() {
        var router = router(queue: [Fixture.entry(20, team: 1)])
        #expect(router.handle(.transfer(Fixture.entry(20), from: a(1), to: .agent(a(2))), now: Fixture.t0).refusal?.kind == .notHeldBy)
        #expect(router.handle(.transfer(held, from: nil, to: .agent(a(2))), now: Fixture.t0).refusal?.kind == .notQueued)
        #expect(router.handle(.transfer(Fixture.entry(20), from: nil, to: .team(t(1))), now: Fixture.t0).refusal?.kind == .alreadyQueued)
        #expect(router.handle(.transfer(held, from: a(1), to: .team(t(9))), now: Fixture.t0).refusal?.kind == .unknownTeam)
    }

    @Test func aClosedTeamRefusesATransfer() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        let hours = BusinessHours(timeZone: utc, days: Weekday.workdays, open: [OpenInterval("09:00-17:00")!])
        var router = Router(
            teams: [Fixture.team(1), TeamRouting(id: t(2), name: "Billing", hours: hours)],
            agents: [Fixture.agent(1, teams: [1], capacity: 1, active: 1)], queue: []
        )
        let refusal = router.handle(.transfer(held, from: a(1), to: .team(t(2))), now: Fixture.t0).refusal
        #expect(refusal?.kind == .teamClosed)
        #expect(refusal?.reason == "team 2 (Billing) is closed; it opens at 2027-01-15T09:00:00Z")
        #expect(router.chats(of: 1) == 1)
    }

    @Test func stickyRoutingNeverHandsItStraightBackToTheSender() {
        // Agent 1 served the contact and holds the conversation; agent 2 is less busy. Were the sticky
        // hint kept, re-queueing in the same team would give it straight back to agent 1.
        var router = Router(
            teams: [Fixture.team(1, sticky: 3600)],
            agents: [Fixture.agent(1, capacity: 3, active: 2), Fixture.agent(2, capacity: 3, active: 1)],
            queue: []
        )
        let entry = Fixture.entry(10, previous: (agent: 1, at: Fixture.at(-60)))
        let actions = router.handle(.transfer(entry, from: a(1), to: .team(t(1))), now: Fixture.t0)
        #expect(actions == [.assign(c(10), agent: a(2), team: t(1), reason: .strategy)])
        #expect(router.chats(of: 1) == 1)
    }
}
