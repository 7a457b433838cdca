import CoreMetrics

/// The gateway's counters, created from an injected factory so each test (and each app) has its
/// own registry instead of a process-wide one.
public struct GatewayMetrics: Sendable {
    public let factory: any MetricsFactory
    let ingestStored: Counter
    let ingestDuplicates: Counter
    let ingestFailed: Counter
    let ingestBatches: Counter
    let outboundSent: Counter
    let outboundRetried: Counter
    /// Sends held back to stay under a platform's rate limit.
    let outboundThrottled: Counter
    let outboundDeadLettered: Counter
    /// Sends their channel refused, handed on to the contact's other channels.
    let outboundHandedOn: Counter

    public init(factory: any MetricsFactory) {
        self.factory = factory
        ingestStored = Counter(label: "parley_ingest_messages_total", dimensions: [("result", "stored")], factory: factory)
        ingestDuplicates = Counter(label: "parley_ingest_messages_total", dimensions: [("result", "duplicate")], factory: factory)
        ingestFailed = Counter(label: "parley_ingest_messages_total", dimensions: [("result", "failed")], factory: factory)
        ingestBatches = Counter(label: "parley_ingest_commits_total", factory: factory)
        outboundSent = Counter(label: "parley_outbound_total", dimensions: [("result", "sent")], factory: factory)
        outboundRetried = Counter(label: "parley_outbound_total", dimensions: [("result", "retry")], factory: factory)
        outboundThrottled = Counter(label: "parley_outbound_total", dimensions: [("result", "throttled")], factory: factory)
        outboundDeadLettered = Counter(label: "parley_outbound_total", dimensions: [("result", "dead_letter")], factory: factory)
        outboundHandedOn = Counter(label: "parley_outbound_total", dimensions: [("result", "handed_on")], factory: factory)
    }

    /// Counts a refused request: `reason` is a short label (unauthorized, malformed, too_large...).
    public func refused(_ reason: String, route: String) {
        Counter(label: "parley_http_refusals_total", dimensions: [("reason", reason), ("route", route)], factory: factory)
            .increment()
    }
}
