import Foundation

/// What `parley-bench timers` reports: a table for people and a `RESULT {json}` line for scripts.
struct TimersResult {
    let conversations: Int
    let closed: Int
    /// Seconds from each due time to the close reaching an event subscriber, ascending.
    let lateness: [Double]
    /// From the first due time to the last close seen.
    let firingSeconds: Double
    /// From the first due time to the last.
    let scheduledSeconds: Double
    let setupSeconds: Double
    let recomputeSeconds: Double
    /// CPU seconds per second with nothing due (1.0 = one core busy).
    let idleCPU: Double

    func percentile(_ fraction: Double) -> Double {
        guard !lateness.isEmpty else { return .nan }
        return lateness[min(lateness.count - 1, Int((Double(lateness.count) * fraction).rounded(.up)) - 1)]
    }

    var firedPerSecond: Double { firingSeconds > 0 ? Double(closed) / firingSeconds : .nan }
    var dueRate: Double { scheduledSeconds > 0 ? Double(conversations - 1) / scheduledSeconds : .nan }

    private func milliseconds(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1_000) }

    var table: String {
        """
        timers: \(closed) of \(conversations) idle closes fired (due \(String(format: "%.0f", dueRate))/s)
          fired/s           \(String(format: "%.0f", firedPerSecond))
          lateness p50      \(milliseconds(percentile(0.50)))
          lateness p99      \(milliseconds(percentile(0.99)))
          lateness max      \(milliseconds(lateness.last ?? .nan))
          idle CPU          \(String(format: "%.4f", idleCPU)) cores
          setup             \(String(format: "%.1f", setupSeconds)) s (recompute of every open conversation: \(String(format: "%.2f", recomputeSeconds)) s)
        """
    }

    var resultLine: String {
        func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
        let fields: [String: Double] = [
            "conversations": Double(conversations), "closed": Double(closed), "dueRate": rounded(dueRate),
            "firedPerSecond": rounded(firedPerSecond), "latenessP50Ms": rounded(percentile(0.5) * 1000),
            "latenessP99Ms": rounded(percentile(0.99) * 1000), "latenessMaxMs": rounded((lateness.last ?? .nan) * 1000),
            "idleCPU": rounded(idleCPU), "setupSeconds": rounded(setupSeconds), "recomputeSeconds": rounded(recomputeSeconds),
        ]
        let body = fields.keys.sorted().map { key in
            let value = fields[key]!
            return "\"\(key)\":\(value.isFinite ? String(value) : "null")"
        }
        return "RESULT {\"mode\":\"timers\"," + body.joined(separator: ",") + "}"
    }
}
