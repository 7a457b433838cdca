import NIOCore
import NIOHTTP1

/// Counters for one phase on one event loop. All connections of that loop record here, so it is only
/// touched from that loop and needs no locking; loops are merged once, at the end, via `snapshot()`.
final class PhaseStats {
    static let maxSamples = 5
    static let maxSampleBodyBytes = 300

    private var latency = LatencyRecorder()
    private var ok = 0
    private var accepted = 0
    private var errors = 0
    private var failedResponses = 0
    private var warmupErrors = 0
    private var errorKinds: [String: Int] = [:]
    private var samples: [String] = []

    /// Whether a failing response's body is still worth collecting for the sample list. Sampling stops
    /// after `maxSampleAttempts` so a run where everything fails does not spend its CPU formatting
    /// thousands of identical error strings.
    var wantsSamples: Bool { samples.count < Self.maxSamples && sampleAttempts < Self.maxSampleAttempts }

    static let maxSampleAttempts = 500
    private var sampleAttempts = 0

    /// Latency is only recorded for successes: a server answering 401 in 50 µs must not make the
    /// percentiles look good.
    func recordSuccess(latencyNanos: UInt64) {
        ok += 1
        latency.record(nanos: latencyNanos)
    }

    /// Every successful response of the phase, in the window or not (warmup, the drain after the end).
    /// For ingest and the webhook phases each is a message the server has committed, so this is the
    /// number to compare with the database.
    func recordAccepted() {
        accepted += 1
    }

    /// `kind` groups errors for the summary ("HTTP 500", "connection closed"); `detail` (status line and
    /// body, say) is kept for the first few *distinct* ones, since five copies of the same 500 say less
    /// than one 500 and one 401. `gotResponse` separates answered-but-wrong requests from ones lost to
    /// the transport, so "requests" means responses actually received. Failures during warmup are
    /// counted apart so they do not inflate the measured error rate, but they are sampled: the first
    /// errors are usually the informative ones (wrong channel, bad token).
    func recordFailure(kind: String, detail: @autoclosure () -> String, inWindow: Bool, gotResponse: Bool) {
        if inWindow {
            errors += 1
            if gotResponse { failedResponses += 1 }
            errorKinds[kind, default: 0] += 1
        } else {
            warmupErrors += 1
        }
        guard wantsSamples else { return }
        sampleAttempts += 1
        let text = detail()
        if !samples.contains(where: { Self.sampleText($0) == text }) {
            samples.append((inWindow ? "" : Self.warmupTag) + text)
        }
    }

    static let warmupTag = "[warmup] "

    static func sampleText(_ sample: String) -> Substring {
        sample.hasPrefix(warmupTag) ? sample.dropFirst(warmupTag.count) : Substring(sample)
    }

    func snapshot() -> PhaseSnapshot {
        PhaseSnapshot(
            ok: ok, accepted: accepted, errors: errors, failedResponses: failedResponses, warmupErrors: warmupErrors,
            errorKinds: errorKinds, samples: samples, latency: latency
        )
    }

    static func describe(status: HTTPResponseStatus, body: ByteBuffer?) -> String {
        var text = "HTTP \(status.code) \(status.reasonPhrase)"
        if let body, body.readableBytes > 0 {
            let shown = body.getString(at: body.readerIndex, length: min(body.readableBytes, maxSampleBodyBytes)) ?? "<binary>"
            text += ": " + shown.replacingNewlines()
            if body.readableBytes > maxSampleBodyBytes { text += "…" }
        }
        return text
    }
}

/// A phase's results, merged across event loops. Plain values, so it can leave the loop.
struct PhaseSnapshot: Sendable {
    var ok = 0
    /// Successful responses over the whole phase, warmup and drain included (see `recordAccepted`).
    var accepted = 0
    var errors = 0
    var failedResponses = 0
    var warmupErrors = 0
    var errorKinds: [String: Int] = [:]
    var samples: [String] = []
    var latency = LatencyRecorder()

    mutating func merge(_ other: PhaseSnapshot) {
        ok += other.ok
        accepted += other.accepted
        errors += other.errors
        failedResponses += other.failedResponses
        warmupErrors += other.warmupErrors
        errorKinds.merge(other.errorKinds, uniquingKeysWith: +)
        for sample in other.samples where samples.count < PhaseStats.maxSamples {
            let text = PhaseStats.sampleText(sample)
            if !samples.contains(where: { PhaseStats.sampleText($0) == text }) { samples.append(sample) }
        }
        latency.merge(other.latency)
    }

    /// Responses received in the window, whatever their status.
    var responses: Int { ok + failedResponses }

    /// Errors over everything attempted in the measured window. An empty window counts as total failure:
    /// a run that measured nothing must not pass.
    var errorRate: Double {
        let attempted = ok + errors
        return attempted == 0 ? 1 : Double(errors) / Double(attempted)
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" ? " " : $0 })
    }
}
