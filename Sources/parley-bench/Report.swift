import Foundation

/// Everything the run produced, shaped for the `RESULT` JSON line (field names are the contract with
/// scripts; keep them stable).
struct BenchReport: BenchResult {
    struct Latency: Encodable {
        let p50: Double
        let p90: Double
        let p99: Double
        let max: Double
        let mean: Double
    }

    struct Phase: Encodable {
        let connections: Int
        let measuredSeconds: Double
        /// Responses received in the window, any status.
        let requests: Int
        let ok: Int
        /// Successful responses over the whole phase, warmup and the drain after the window included:
        /// for ingest and webhook phases, the messages this phase stored (compare with the database).
        let accepted: Int
        /// Non-200 responses plus requests lost to connection failures, in the window.
        let errors: Int
        let errorRate: Double
        let warmupErrors: Int
        let errorKinds: [String: Int]
        /// Successful requests per second.
        let throughput: Double
        /// Milliseconds, successful requests only.
        let latencyMs: Latency
    }

    let url: String
    let channel: String?
    /// The WeChat channel, when a wechat phase ran.
    let wechatChannel: String?
    /// The channel of each platform whose webhook phase ran (`wechat`, `telegram`, `whatsapp`,
    /// `messenger`, `line`, `sms`).
    let webhookChannels: [String: String]?
    let runId: String
    let mode: String
    let connections: Int
    let threads: Int
    let warmupSeconds: Double
    let durationSeconds: Double
    let phases: [String: Phase]
    /// ingest throughput / health throughput, when both ran.
    let ingestToHealthRatio: Double?
    /// Why the run stopped early (server unreachable, a phase's setup failed); nil for a complete run.
    let error: String?
    /// False when the run stopped early or any phase's error rate exceeds `maxErrorRate`; the exit code
    /// says the same.
    let passed: Bool

    static let maxErrorRate = 0.01

    static func phase(_ result: PhaseResult) -> Phase {
        let s = result.snapshot
        func ms(_ nanos: UInt64) -> Double { rounded(Double(nanos) / 1e6) }
        return Phase(
            connections: result.connections,
            measuredSeconds: rounded(result.measuredSeconds),
            requests: s.responses,
            ok: s.ok,
            accepted: s.accepted,
            errors: s.errors,
            errorRate: rounded(s.errorRate, places: 6),
            warmupErrors: s.warmupErrors,
            errorKinds: s.errorKinds,
            throughput: rounded(result.throughput, places: 1),
            latencyMs: Latency(
                p50: ms(s.latency.percentileNanos(0.50)),
                p90: ms(s.latency.percentileNanos(0.90)),
                p99: ms(s.latency.percentileNanos(0.99)),
                max: ms(s.latency.maxNanos),
                mean: rounded(s.latency.meanNanos / 1e6)
            )
        )
    }

    /// Rounding before encoding keeps the JSON short (JSONEncoder prints the shortest exact form).
    static func rounded(_ value: Double, places: Int = 3) -> Double {
        guard value.isFinite else { return 0 }
        let scale = pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}

/// The human-readable table.
enum ReportTable {
    static func render(_ results: [PhaseResult], report: BenchReport) -> String {
        var lines: [String] = []
        lines.append(
            "parley-bench \(report.url)  channel=\(report.channel ?? "-")  "
                + (report.webhookChannels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)  " }.joined()
                + "connections=\(report.connections)  "
                + "threads=\(report.threads)  warmup=\(format(report.warmupSeconds))s  duration=\(format(report.durationSeconds))s"
        )
        let header = ["phase", "requests", "ok", "errors", "err%", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms"]
        var rows = [header]
        for result in results {
            guard let phase = report.phases[result.kind.rawValue] else { continue }
            rows.append([
                result.kind.rawValue,
                "\(phase.requests)",
                "\(phase.ok)",
                "\(phase.errors)",
                String(format: "%.2f", phase.errorRate * 100),
                String(format: "%.1f", phase.throughput),
                String(format: "%.3f", phase.latencyMs.p50),
                String(format: "%.3f", phase.latencyMs.p90),
                String(format: "%.3f", phase.latencyMs.p99),
                String(format: "%.3f", phase.latencyMs.max),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        // Without any finished phase the table would be a bare header; the early-stop line says it all.
        for row in rows where rows.count > 1 {
            let cells = row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                // First column left-aligned (names), numbers right-aligned.
                return column == 0 ? cell + pad : pad + cell
            }
            lines.append(cells.joined(separator: "  "))
        }
        for result in results {
            let s = result.snapshot
            if !s.errorKinds.isEmpty {
                let kinds = s.errorKinds.sorted { $0.value > $1.value }.map { "\($0.key) ×\($0.value)" }
                lines.append("\(result.kind.rawValue) errors: " + kinds.joined(separator: ", "))
            }
            if s.warmupErrors > 0 {
                lines.append("\(result.kind.rawValue) errors during warmup (not counted): \(s.warmupErrors)")
            }
            for sample in s.samples {
                lines.append("  \(result.kind.rawValue) error sample: \(sample)")
            }
        }
        if let ratio = report.ingestToHealthRatio {
            lines.append(String(format: "ingest/health throughput ratio: %.3f", ratio))
        }
        if let error = report.error {
            lines.append("run stopped early: \(error)")
        }
        return lines.joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))" : "\(value)"
    }
}
