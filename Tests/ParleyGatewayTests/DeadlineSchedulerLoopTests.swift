import CoreMetrics
import Foundation
import Logging
import ParleyCore
@testable import ParleyGateway
import ParleyStore
import ParleyTesting
import Synchronization
import Testing

@Suite("Deadline scheduler loop")
struct DeadlineSchedulerLoopTests {
    /// Moves a fixed step on every read, so time passes between the loop's own reads as it does
    /// on a busy machine.
    final class SteppingClock: WallClock {
        private let current: Mutex<Date>
        private let step: TimeInterval

        init(start: Date, step: TimeInterval) {
            current = Mutex(start)
            self.step = step
        }

        func now() -> Date {
            current.withLock { date in
                defer { date = date.addingTimeInterval(step) }
                return date
            }
        }
    }

    /// A deadline that falls due after a pass looked for due rows (and before the loop decides how
    /// long to sleep) fires at once; the loop used to take it for a stuck row and sleep it out.
    @Test(.timeLimit(.minutes(1))) func aDeadlineFallingDueDuringAPassFiresWithoutWaiting() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel(settings: ["apiBaseURL": "http://127.0.0.1:9", "idleTimeout": "10m", "nudgeBefore": "0s"])
        let agent = try await harness.addAgent(role: .admin)
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("alice", "in1", "hello?")]))
        let conversation = try #require(try await harness.store.conversations(ConversationFilter()).first)
        _ = try await harness.gateway.assign(conversation.id, to: agent.id, by: agent)
        _ = try await harness.gateway.reply(to: conversation.id, text: "Hi, how can I help?", by: agent)
        let closeAt = try #require(try await harness.store.deadlines(of: conversation.id)[.idleClose])

        // Each read moves one second. The first pass (closeAt - 2.5 s, then - 1.5 s) finds nothing
        // due and sleeps until closeAt, absorbing the wake-up the start-up recompute signals; the
        // second looks at closeAt - 0.5 s, and the loop then reads closeAt + 0.5 s.
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let scheduler = DeadlineScheduler(
            deadlines: harness.store, channels: harness.store, registry: harness.gateway.registry, bus: harness.gateway.bus,
            dispatcher: harness.gateway.dispatcher, pushBacks: harness.gateway.pushBackDispatcher, clock: SteppingClock(start: closeAt.addingTimeInterval(-2.5), step: 1),
            factory: NOOPMetricsHandler.instance, logger: logger, stuckRetry: 3600
        )
        let events = harness.gateway.bus.subscribe()
        let loop = Task { try await scheduler.run() }
        defer { loop.cancel() }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(10))
            harness.gateway.bus.finishAll()
        }
        defer { watchdog.cancel() }
        var closed = false
        for await event in events {
            if case .conversationUpdated(let updated, _) = event, updated.status == .closed { closed = true; break }
        }
        #expect(closed, "the idle close waited for the stuck-row retry (an hour here) instead of firing")
    }
}
