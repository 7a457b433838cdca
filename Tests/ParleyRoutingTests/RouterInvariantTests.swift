import Foundation
import ParleyRouting
import Testing

@Suite("Router invariants under random events")
struct RouterInvariantTests {
    /// 500 seeded random events per seed (enqueues, removals, presence churn, capacity changes, chats
    /// ending, claims, transfers, config changes, ticks); after each: no agent over capacity, nothing
    /// assigned twice or assigned while not waiting, queues and loads as the actions say, no idle free
    /// agent beside a waiting queue in an automatic team, every position change announced, and no tick
    /// work before `nextTimedCheck`.
    @Test(arguments: [1, 2, 3, 42, 2027, 90_210] as [UInt64])
    func invariantsHoldAfterEveryEvent(seed: UInt64) throws {
        var run = try RandomRoutingRun(seed: seed)
        for _ in 0..<500 { try run.step() }
        // The run must have exercised the machinery, not idled.
        #expect(run.assignments > 40)
        #expect(run.overflows > 0)
    }
}
