import Foundation

/// The routing benchmark's result, shaped for the `RESULT` JSON line like the HTTP modes (field names
/// are the contract with scripts). Durations in microseconds unless the name says otherwise.
struct RoutingBenchReport: BenchResult {
    struct Latency: Encodable {
        let count: Int
        let p50: Double
        let p90: Double
        let p99: Double
        let p999: Double
        let max: Double
        let mean: Double

        /// Exact nearest-rank percentiles of `nanos`, in microseconds.
        init(_ nanos: [UInt64]) {
            let sorted = nanos.sorted()
            count = sorted.count
            func at(_ fraction: Double) -> Double {
                guard !sorted.isEmpty else { return 0 }
                let rank = Swift.max(1, Int((fraction * Double(sorted.count)).rounded(.up)))
                return BenchReport.rounded(Double(sorted[Swift.min(rank, sorted.count) - 1]) / 1000)
            }
            p50 = at(0.50)
            p90 = at(0.90)
            p99 = at(0.99)
            p999 = at(0.999)
            max = BenchReport.rounded(Double(sorted.last ?? 0) / 1000)
            mean = BenchReport.rounded(sorted.isEmpty ? 0 : Double(sorted.reduce(0, +)) / Double(sorted.count) / 1000)
        }
    }

    /// The target: a routing decision's p99 under 1 ms.
    static let p99TargetMicros = 1000.0

    let mode = "routing"
    let seed: UInt64
    let events: Int
    let teams = RoutingScenario.teamCount
    let agents = RoutingScenario.agentCount
    let initialQueue = RoutingScenario.initialQueue
    let setupMilliseconds: Double
    let setupActions: Int
    let queueLow: Int
    let queueHigh: Int
    let finalQueue: Int
    /// Decisions per second of time spent inside `handle`.
    let eventsPerSecond: Double
    let decisionMicros: Latency
    let decisionMicrosByEvent: [String: Latency]
    let assignments: Int
    let overflows: Int
    let refusals: Int
    let queueMoved: Int
    let outsideHours: Int
    let noAgentOnline: Int
    let positionLookupNanos: Double
    let nextTimedCheckMicros: Double
    let passed: Bool

    init(
        seed: UInt64, events: Int, tally: RoutingBenchTally, setupMilliseconds: Double, setupActions: Int, finalQueue: Int,
        positionLookupNanos: Double, nextTimedCheckMicros: Double
    ) {
        self.seed = seed
        self.events = events
        self.setupMilliseconds = BenchReport.rounded(setupMilliseconds)
        self.setupActions = setupActions
        queueLow = tally.queueLow
        queueHigh = tally.queueHigh
        self.finalQueue = finalQueue
        let totalNanos = tally.nanos.reduce(0, +)
        eventsPerSecond = BenchReport.rounded(totalNanos == 0 ? 0 : Double(events) / (Double(totalNanos) / 1e9), places: 0)
        decisionMicros = Latency(tally.nanos)
        decisionMicrosByEvent = Dictionary(uniqueKeysWithValues: tally.nanosByKind.map { ($0.key.rawValue, Latency($0.value)) })
        assignments = tally.assignments
        overflows = tally.overflows
        refusals = tally.refusals
        queueMoved = tally.queueMoved
        outsideHours = tally.outsideHours
        noAgentOnline = tally.noAgentOnline
        self.positionLookupNanos = BenchReport.rounded(positionLookupNanos, places: 1)
        self.nextTimedCheckMicros = BenchReport.rounded(nextTimedCheckMicros)
        passed = decisionMicros.p99 < Self.p99TargetMicros
    }

    /// The human-readable table: one row for all decisions, then one per event kind.
    func table() -> String {
        var lines = [
            "parley-bench routing  seed=\(seed)  teams=\(teams)  agents=\(agents)  queued at start=\(initialQueue)  "
                + "queue during run=\(queueLow)…\(queueHigh)  events=\(events)",
            "first tick (untimed setup): \(setupActions) actions in \(setupMilliseconds) ms",
        ]
        let header = ["decisions", "count", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs", "mean µs"]
        var rows = [header, Self.row("all", decisionMicros)]
        for (kind, latency) in decisionMicrosByEvent.sorted(by: { $0.value.count > $1.value.count }) {
            rows.append(Self.row(kind, latency))
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(
                row.enumerated().map { column, cell in
                    let pad = String(repeating: " ", count: widths[column] - cell.count)
                    return column == 0 ? cell + pad : pad + cell
                }.joined(separator: "  ")
            )
        }
        lines.append(
            String(format: "%.0f events/s inside handle; assignments %d, overflows %d, refusals %d, queueMoved %d", eventsPerSecond, assignments, overflows, refusals, queueMoved)
        )
        lines.append(String(format: "position(of:) %.1f ns; nextTimedCheck(after:) %.2f µs", positionLookupNanos, nextTimedCheckMicros))
        lines.append(passed ? "p99 under 1 ms: yes" : "p99 under 1 ms: NO")
        return lines.joined(separator: "\n")
    }

    private static func row(_ name: String, _ latency: Latency) -> [String] {
        [name, "\(latency.count)"] + [latency.p50, latency.p90, latency.p99, latency.p999, latency.max, latency.mean].map {
            String(format: "%.2f", $0)
        }
    }
}
