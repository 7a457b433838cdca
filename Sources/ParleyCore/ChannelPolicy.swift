import Foundation

/// What a channel allows: how long after the customer's last message we may answer freely,
/// what is possible after that, when a quiet conversation closes, and how much text fits in
/// one message. The dispatcher and the workbench both read it; defaults come from
/// CHANNELS.md §9 and every value can be overridden per channel instance.
public struct ChannelPolicy: Sendable, Equatable, Codable {
    /// Free-form replies are allowed this long after the customer's last message; `nil` = always.
    public var replyWindow: TimeInterval?
    /// How many messages may be sent inside one window (WeChat: 5), `nil` = unlimited.
    public var sendsPerWindow: Int?
    /// What can still reach the customer once the window has closed.
    public var outsideWindow: OutOfWindowRoute
    /// A conversation whose customer stays silent this long after our last message closes
    /// (0 = never).
    public var idleTimeout: TimeInterval
    /// How long before the idle close `nudgeText` is sent (0 = no nudge).
    public var nudgeBefore: TimeInterval
    public var nudgeText: String
    /// Sent when a conversation idle-closes; empty sends nothing.
    public var closeText: String
    /// A customer waiting this long for an answer is escalated, never closed (0 = never).
    public var agentReplyTimeout: TimeInterval
    /// A customer who writes again within this long after a close reopens the same conversation.
    public var reopenWindow: TimeInterval
    /// The longest text one platform message may carry; longer replies are split.
    public var textLimit: TextLimit
    /// The content kinds the channel can deliver outbound.
    public var outboundContent: Set<ContentKind>
    /// Sends per second the platform tolerates for one account, `nil` when not documented.
    public var sendsPerSecond: Double?
    /// Sends per second to one chat, where the platform limits that separately (Telegram ~1/s).
    public var sendsPerSecondPerChat: Double?

    public init(
        replyWindow: TimeInterval?,
        sendsPerWindow: Int? = nil,
        outsideWindow: OutOfWindowRoute,
        idleTimeout: TimeInterval,
        nudgeBefore: TimeInterval = ChannelPolicy.defaultNudgeBefore,
        nudgeText: String = ChannelPolicy.defaultNudgeText,
        closeText: String = ChannelPolicy.defaultCloseText,
        agentReplyTimeout: TimeInterval = ChannelPolicy.defaultAgentReplyTimeout,
        reopenWindow: TimeInterval = 30 * 60,
        textLimit: TextLimit,
        outboundContent: Set<ContentKind>,
        sendsPerSecond: Double? = nil,
        sendsPerSecondPerChat: Double? = nil
    ) {
        self.replyWindow = replyWindow
        self.sendsPerWindow = sendsPerWindow
        self.outsideWindow = outsideWindow
        self.idleTimeout = idleTimeout
        self.nudgeBefore = nudgeBefore
        self.nudgeText = nudgeText
        self.closeText = closeText
        self.agentReplyTimeout = agentReplyTimeout
        self.reopenWindow = reopenWindow
        self.textLimit = textLimit
        self.outboundContent = outboundContent
        self.sendsPerSecond = sendsPerSecond
        self.sendsPerSecondPerChat = sendsPerSecondPerChat
    }

    public static let defaultNudgeBefore: TimeInterval = 5 * 60
    public static let defaultNudgeText = "Are you still there? This conversation will close soon if we don't hear from you."
    public static let defaultCloseText = "This conversation has been closed. Write to us any time to start a new one."
    public static let defaultAgentReplyTimeout: TimeInterval = 10 * 60

    public var timers: TimerSettings {
        TimerSettings(idleTimeout: idleTimeout, nudgeBefore: nudgeBefore, agentReplyTimeout: agentReplyTimeout)
    }
}

/// The route a reply can still take once the platform's reply window has closed.
public enum OutOfWindowRoute: String, Sendable, Codable {
    /// Nothing: the platform refuses free messages and offers no alternative.
    case none
    /// A pre-approved template message (WeChat template, WhatsApp template).
    case template
    /// A message tag such as Messenger's `HUMAN_AGENT`.
    case messageTag
    /// A push message the platform always accepts (LINE push, Telegram, SMS).
    case push
    /// Held until the customer comes back (web chat).
    case holdForReturn
}

/// The unit a platform counts its text limit in.
public enum TextLimit: Sendable, Equatable, Codable {
    case characters(Int)
    case utf8Bytes(Int)

    /// Splits `text` into pieces that each fit the limit, never inside a character.
    public func split(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var currentSize = 0
        for character in text {
            let size: Int
            let limit: Int
            switch self {
            case .characters(let max): size = 1; limit = max
            case .utf8Bytes(let max): size = character.utf8.count; limit = max
            }
            if currentSize + size > limit, !current.isEmpty {
                pieces.append(current)
                current = ""
                currentSize = 0
            }
            current.append(character)
            currentSize += size
        }
        if !current.isEmpty || pieces.isEmpty { pieces.append(current) }
        return pieces
    }
}
