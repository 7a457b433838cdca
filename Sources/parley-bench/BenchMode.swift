import ArgumentParser

/// What `--mode` selects. `both` exists so one run yields the ingest/health ratio, which is the
/// number that says how much of the server's capacity the ingest path itself costs; `all` adds every
/// platform's signed webhook so web chat, WeChat (plaintext and safe mode), Telegram, WhatsApp,
/// Messenger, LINE and SMS are measured side by side. `routing` is the odd one out: it measures the
/// routing engine in process and talks to no server, so it has no HTTP phases.
enum BenchMode: String, CaseIterable, ExpressibleByArgument, Sendable {
    case ingest, health, both, wechat, all
    case wechatPlain = "wechat-plain"
    case wechatSafe = "wechat-safe"
    case telegram, whatsapp, messenger, line, sms
    /// The five non-WeChat platforms' webhooks.
    case channels
    /// The routing engine in process (no server): see `RoutingBench`.
    case routing

    /// Phases in run order: health first, so the baseline is measured before ingest has filled the
    /// database and warmed (or fragmented) caches.
    var phases: [PhaseKind] {
        switch self {
        case .health: [.health]
        case .ingest: [.ingest]
        case .both: [.health, .ingest]
        case .wechat: [.wechatPlain, .wechatSafe]
        case .wechatPlain: [.wechatPlain]
        case .wechatSafe: [.wechatSafe]
        case .telegram: [.telegram]
        case .whatsapp: [.whatsapp]
        case .messenger: [.messenger]
        case .line: [.line]
        case .sms: [.sms]
        case .channels: Self.channelPhases
        case .all: [.health, .ingest, .wechatPlain, .wechatSafe] + Self.channelPhases
        case .routing: []
        }
    }

    static let channelPhases: [PhaseKind] = [.telegram, .whatsapp, .messenger, .line, .sms]
}

enum PhaseKind: String, Sendable, Codable {
    case health, ingest
    case wechatPlain = "wechat-plain"
    case wechatSafe = "wechat-safe"
    case telegram, whatsapp, messenger, line, sms

    /// WeChat answers a callback with the body `success`; only then is it accepted.
    var isWeChat: Bool { self == .wechatPlain || self == .wechatSafe }

    /// The platform a webhook phase posts for (both WeChat phases: `wechat`).
    var platform: String { isWeChat ? "wechat" : rawValue }

    /// Phases that post a platform's signed webhook (`PhaseJob.webhook` is set).
    var isWebhook: Bool { webhookTag != nil }

    /// The low bits of every `BenchMessageID` a webhook phase sends, so no two phases of one run share
    /// an id (WeChat plaintext and safe mode may well post to the same channel).
    var webhookTag: UInt64? {
        switch self {
        case .health, .ingest: nil
        case .wechatPlain: 0
        case .wechatSafe: 1
        case .telegram: 2
        case .whatsapp: 3
        case .messenger: 4
        case .line: 5
        case .sms: 6
        }
    }
}

/// Everything a connection needs to know about the phase it belongs to. Plain values, so it can be
/// handed to any event loop.
struct PhaseJob: Sendable {
    let kind: PhaseKind
    let hostHeader: String
    /// Web-chat channel id; only used (and required) for ingest.
    let channelID: String
    /// Distinguishes this run's clientIds, senders and message ids from earlier runs against the same
    /// database, so the server never treats a bench message as a duplicate of an old one.
    let run: BenchRun
    /// Connections in the phase; message ids interleave the connections' sequence numbers.
    let connections: Int
    /// Only for the webhook phases.
    let webhook: WebhookJob?
}

/// Phase timeline in monotonic uptime nanoseconds (compared on every response, so kept as integers).
struct MeasurementWindow: Sendable {
    let start: UInt64
    let warmupEnd: UInt64
    let end: UInt64

    var measuredSeconds: Double { Double(end - warmupEnd) / 1e9 }
}
