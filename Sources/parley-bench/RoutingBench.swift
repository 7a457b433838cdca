import Dispatch
import Foundation
import ParleyCore
import ParleyRouting

/// `parley-bench routing`: the routing engine measured in process, no server. Builds `RoutingScenario`
/// from the seed, serves what it allows with one untimed tick, then replays `events` events from
/// `RoutingEventSource`, one simulated 10 ms apart, timing each `Router.handle` call alone with the
/// monotonic clock. Afterwards it times `position(of:)` and `nextTimedCheck(after:)` on the final state.
struct RoutingBench {
    let events: Int
    let seed: UInt64

    func run() -> RoutingBenchReport {
        var rng = SplitMix64(seed: seed)
        let scenario = RoutingScenario(rng: &rng)
        var router = Router(teams: scenario.teams, agents: scenario.agents, queue: scenario.queue)
        var now = scenario.start
        let setupStart = DispatchTime.now().uptimeNanoseconds
        let setupActions = router.handle(.tick, now: now)
        let setupNanos = DispatchTime.now().uptimeNanoseconds - setupStart
        Console.progress("routing: \(router.queuedCount) queued after the first tick (\(setupActions.count) actions); replaying \(events) events")

        var source = RoutingEventSource(scenario: scenario)
        var tally = RoutingBenchTally()
        tally.queueLow = router.queuedCount
        for _ in 0..<events {
            now.addTimeInterval(0.01)
            let (kind, event) = source.next(router, now: now, rng: &rng)
            let start = DispatchTime.now().uptimeNanoseconds
            let actions = router.handle(event, now: now)
            let nanos = DispatchTime.now().uptimeNanoseconds - start
            tally.record(kind, nanos: nanos, actions: actions, queued: router.queuedCount)
        }
        return RoutingBenchReport(
            seed: seed, events: events, tally: tally, setupMilliseconds: Double(setupNanos) / 1e6, setupActions: setupActions.count,
            finalQueue: router.queuedCount,
            positionLookupNanos: Self.timePositions(router, scenario: scenario, rng: &rng),
            nextTimedCheckMicros: Self.timeNextTimedCheck(router, now: now)
        )
    }

    /// Mean cost of `position(of:)` over ids drawn from everything ever queued (hits and misses).
    private static func timePositions(_ router: Router, scenario: RoutingScenario, rng: inout SplitMix64) -> Double {
        let ids = (0..<100_000).map { _ in ConversationID(Int64.random(in: 1...Int64(RoutingScenario.initialQueue * 8), using: &rng)) }
        var found = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for id in ids where router.position(of: id) != nil { found += 1 }
        let nanos = DispatchTime.now().uptimeNanoseconds - start
        Console.progress("routing: \(found) of \(ids.count) position lookups hit a queued conversation")
        return Double(nanos) / Double(ids.count)
    }

    /// Mean cost of `nextTimedCheck(after:)`, which a scheduler calls after every event.
    private static func timeNextTimedCheck(_ router: Router, now: Date) -> Double {
        let rounds = 2000
        var some = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for round in 0..<rounds where router.nextTimedCheck(after: now.addingTimeInterval(Double(round) * 0.001)) != nil { some += 1 }
        let nanos = DispatchTime.now().uptimeNanoseconds - start
        Console.progress("routing: nextTimedCheck had a date \(some) of \(rounds) times")
        return Double(nanos) / Double(rounds) / 1000
    }
}
