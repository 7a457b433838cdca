import NIOCore

/// The connections of one phase that share an event loop, plus their shared counters. Confined to that
/// loop; the phase runner reaches it through `NIOLoopBound` and `EventLoop.submit`.
final class LoopWorker {
    /// How long to wait after the end of the window for in-flight responses before closing anyway.
    /// Requests completing after the end are not counted, so this only bounds the shutdown.
    static let drainGrace = TimeAmount.seconds(5)

    private let loop: any EventLoop
    private let stats = PhaseStats()
    private let connections: [LoadConnection]

    init(loop: any EventLoop, connectionIndices: [Int], job: PhaseJob, address: SocketAddress) {
        self.loop = loop
        let stats = self.stats
        connections = connectionIndices.map {
            LoadConnection(index: $0, loop: loop, address: address, job: job, stats: stats)
        }
    }

    func prepare() -> EventLoopFuture<Void> {
        EventLoopFuture.andAllSucceed(connections.map { $0.prepare() }, on: loop)
    }

    /// Starts every connection and completes when all have stopped.
    func run(_ window: MeasurementWindow) -> EventLoopFuture<Void> {
        for connection in connections { connection.start(window) }
        let now = NIODeadline.now().uptimeNanoseconds
        let untilForcedStop = window.end > now ? Int64(window.end - now) : 0
        let forcedStop = loop.assumeIsolated().scheduleTask(in: .nanoseconds(untilForcedStop) + Self.drainGrace) {
            self.abort()
        }
        return EventLoopFuture.andAllComplete(connections.map(\.finishedFuture), on: loop)
            .assumeIsolated()
            .always { _ in forcedStop.cancel() }
            .nonisolated()
    }

    func abort() {
        for connection in connections { connection.finish() }
    }

    func snapshot() -> PhaseSnapshot {
        stats.snapshot()
    }
}
