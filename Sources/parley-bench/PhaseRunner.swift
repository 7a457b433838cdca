import NIOCore

/// Runs one phase across all event loops: set up every connection, then start them together so the
/// warmup and measurement window are the same for all, wait for the end, and merge the counters.
struct PhaseRunner: Sendable {
    let loops: [any EventLoop]
    let address: SocketAddress
    let connections: Int
    let warmup: TimeAmount
    let duration: TimeAmount

    func run(_ job: PhaseJob) async throws -> PhaseResult {
        // Connection i goes to loop i % loops.count, spreading them evenly.
        var workers: [(loop: any EventLoop, worker: NIOLoopBound<LoopWorker>)] = []
        for (offset, loop) in loops.enumerated() {
            let indices = Array(stride(from: offset, to: connections, by: loops.count))
            guard !indices.isEmpty else { continue }
            let address = self.address
            let worker = try await loop.submit {
                NIOLoopBound(LoopWorker(loop: loop, connectionIndices: indices, job: job, address: address), eventLoop: loop)
            }.get()
            workers.append((loop, worker))
        }

        Console.progress("\(job.kind.rawValue): opening \(connections) connection(s)…")
        do {
            let setups = workers.map { entry in entry.loop.flatSubmit { entry.worker.value.prepare() } }
            for setup in setups { try await setup.get() }
        } catch {
            for entry in workers { entry.loop.execute { entry.worker.value.abort() } }
            throw error
        }

        let start = NIODeadline.now().uptimeNanoseconds
        let warmupEnd = start + UInt64(warmup.nanoseconds)
        let window = MeasurementWindow(start: start, warmupEnd: warmupEnd, end: warmupEnd + UInt64(duration.nanoseconds))
        Console.progress(
            "\(job.kind.rawValue): \(connections) connection(s) ready; warmup \(Seconds(warmup)), measuring \(Seconds(duration))"
        )
        let runs = workers.map { entry in entry.loop.flatSubmit { entry.worker.value.run(window) } }
        for run in runs { try await run.get() }

        var merged = PhaseSnapshot()
        for entry in workers {
            merged.merge(try await entry.loop.submit { entry.worker.value.snapshot() }.get())
        }
        return PhaseResult(kind: job.kind, connections: connections, measuredSeconds: window.measuredSeconds, snapshot: merged)
    }
}

/// A finished phase, ready for reporting.
struct PhaseResult: Sendable {
    let kind: PhaseKind
    let connections: Int
    let measuredSeconds: Double
    let snapshot: PhaseSnapshot

    /// Successful responses per second over the measured window (errors do not count as throughput).
    var throughput: Double { Double(snapshot.ok) / measuredSeconds }
}

/// Prints a TimeAmount as seconds, e.g. "2s" or "0.5s".
struct Seconds: CustomStringConvertible {
    let amount: TimeAmount
    init(_ amount: TimeAmount) { self.amount = amount }
    var description: String {
        let seconds = Double(amount.nanoseconds) / 1e9
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
