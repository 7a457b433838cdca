import ArgumentParser
import WeChatConnector

/// What `--mode` selects. `both` exists so one run yields the ingest/health ratio, which is the
/// number that says how much of the server's capacity the ingest path itself costs; `all` adds the
/// WeChat callbacks so web chat, WeChat plaintext and WeChat safe mode are measured side by side.
enum BenchMode: String, CaseIterable, ExpressibleByArgument, Sendable {
    case ingest, health, both, wechat, all
    case wechatPlain = "wechat-plain"
    case wechatSafe = "wechat-safe"

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
        case .all: [.health, .ingest, .wechatPlain, .wechatSafe]
        }
    }
}

enum PhaseKind: String, Sendable, Codable {
    case health, ingest
    case wechatPlain = "wechat-plain"
    case wechatSafe = "wechat-safe"

    var isWeChat: Bool { self == .wechatPlain || self == .wechatSafe }
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
    /// Connections in the phase; WeChat MsgIds interleave the connections' sequence numbers.
    let connections: Int
    /// Only for the WeChat phases.
    let wechat: WeChatJob?
}

/// The WeChat channel under test and what is needed to sign (and, in safe mode, encrypt) callbacks.
struct WeChatJob: Sendable {
    let channelID: String
    let token: String
    /// Set when the safe-mode phase runs (built from --wechat-aes-key and --wechat-app-id).
    let cipher: WeChatCipher?
    /// The run's share of every MsgId (see `WeChatMsgID`).
    let msgIDBase: UInt64
}

/// Phase timeline in monotonic uptime nanoseconds (compared on every response, so kept as integers).
struct MeasurementWindow: Sendable {
    let start: UInt64
    let warmupEnd: UInt64
    let end: UInt64

    var measuredSeconds: Double { Double(end - warmupEnd) / 1e9 }
}
