import Foundation

extension ChannelPolicy {
    private static let minute: TimeInterval = 60
    private static let hour: TimeInterval = 3600

    /// Parley's defaults per channel kind, from CHANNELS.md §9 (send rates from §8).
    public static func defaults(for kind: ChannelKind) -> ChannelPolicy {
        let rich: Set<ContentKind> = [.text, .image, .audio, .video, .file]
        switch kind {
        case .webchat:
            return ChannelPolicy(
                replyWindow: nil, outsideWindow: .holdForReturn, idleTimeout: 15 * minute,
                textLimit: .characters(10_000), outboundContent: rich.union([.location])
            )
        case .wechat:
            return ChannelPolicy(
                replyWindow: 48 * hour, sendsPerWindow: 5, outsideWindow: .template, idleTimeout: 60 * minute,
                textLimit: .utf8Bytes(2_048), outboundContent: [.text, .image, .audio, .video, .template]
            )
        case .telegram:
            return ChannelPolicy(
                replyWindow: nil, outsideWindow: .push, idleTimeout: 60 * minute,
                textLimit: .characters(4_096), outboundContent: rich.union([.location, .sticker]),
                sendsPerSecond: 30, sendsPerSecondPerChat: 1
            )
        case .whatsapp:
            return ChannelPolicy(
                replyWindow: 24 * hour, outsideWindow: .template, idleTimeout: 60 * minute,
                textLimit: .characters(4_096), outboundContent: rich.union([.location, .template]),
                sendsPerSecond: 80
            )
        case .messenger:
            return ChannelPolicy(
                replyWindow: 24 * hour, outsideWindow: .messageTag, idleTimeout: 60 * minute,
                textLimit: .characters(2_000), outboundContent: rich, sendsPerSecond: 300
            )
        case .line:
            return ChannelPolicy(
                replyWindow: nil, outsideWindow: .push, idleTimeout: 60 * minute,
                textLimit: .characters(5_000), outboundContent: [.text, .image, .location, .sticker],
                sendsPerSecond: 2_000
            )
        case .sms:
            return ChannelPolicy(
                replyWindow: nil, outsideWindow: .push, idleTimeout: 24 * hour,
                textLimit: .characters(1_600), outboundContent: [.text, .image], sendsPerSecond: 1
            )
        }
    }

    /// The settings keys that are durations, validated wherever settings are written.
    public static let durationKeys = ["idleTimeout", "nudgeBefore", "agentReplyTimeout", "reopenWindow"]
    /// Every key the policy reads.
    public static let settingKeys = durationKeys + ["nudgeText", "closeText", "textLimit"]

    /// Applies a channel kind's or instance's settings (`idleTimeout=15m`, `reopenWindow=2h`,
    /// `textLimit=500`, `nudgeText=…`). Unknown keys are ignored here: they belong to the
    /// connector. Values that do not parse keep the default; `ChannelAdministration` refuses
    /// them, naming the key, before they are ever stored.
    public func overridden(by settings: [String: String]) -> ChannelPolicy {
        var policy = self
        func duration(_ key: String) -> TimeInterval? { settings[key].flatMap { try? DurationText.parse($0) } }
        if let value = duration("idleTimeout") { policy.idleTimeout = value }
        if let value = duration("nudgeBefore") { policy.nudgeBefore = value }
        if let value = duration("agentReplyTimeout") { policy.agentReplyTimeout = value }
        if let value = duration("reopenWindow") { policy.reopenWindow = value }
        if let text = settings["nudgeText"] { policy.nudgeText = text }
        if let text = settings["closeText"] { policy.closeText = text }
        if let text = settings["textLimit"], let value = Int(text), value > 0 {
            switch policy.textLimit {
            case .characters: policy.textLimit = .characters(value)
            case .utf8Bytes: policy.textLimit = .utf8Bytes(value)
            }
        }
        return policy
    }
}
