import ArgumentParser

/// What `--mode` selects. `both` exists so one run yields the ingest/health ratio, which is the
/// number that says how much of the server's capacity the ingest path itself costs.
enum BenchMode: String, CaseIterable, ExpressibleByArgument, Sendable {
    case ingest, health, both

    /// Phases in run order: health first, so the baseline is measured before ingest has filled the
    /// database and warmed (or fragmented) caches.
    var phases: [PhaseKind] {
        switch self {
        case .health: [.health]
        case .ingest: [.ingest]
        case .both: [.health, .ingest]
        }
    }
}

enum PhaseKind: String, Sendable, Codable {
    case health, ingest
}

/// Everything a connection needs to know about the phase it belongs to. Plain values, so it can be
/// handed to any event loop.
struct PhaseJob: Sendable {
    let kind: PhaseKind
    let hostHeader: String
    /// Web-chat channel id; only used (and required) for ingest.
    let channelID: String
    /// Distinguishes this run's clientIds from earlier runs against the same database, so the server
    /// never treats a bench message as a duplicate of an old one.
    let runID: String
}

/// Phase timeline in monotonic uptime nanoseconds (compared on every response, so kept as integers).
struct MeasurementWindow: Sendable {
    let start: UInt64
    let warmupEnd: UInt64
    let end: UInt64

    var measuredSeconds: Double { Double(end - warmupEnd) / 1e9 }
}
