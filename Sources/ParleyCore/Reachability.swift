import Foundation

/// One channel identity of a contact, with what the planner needs to know about it: the
/// channel's policy and configured out-of-window form, and the customer's clock on it.
public struct ReachableIdentity: Sendable, Equatable {
    public var channelID: ChannelID
    public var kind: ChannelKind
    public var policy: ChannelPolicy
    public var outOfWindow: OutOfWindowCapability
    /// When the customer last wrote on this channel (their latest conversation there).
    public var lastCustomerMessageAt: Date?
    public var repliesSinceCustomerMessage: Int
    /// The customer opted out of messages here (SMS `STOP`).
    public var optedOut: Bool

    public init(
        channelID: ChannelID, kind: ChannelKind, policy: ChannelPolicy, outOfWindow: OutOfWindowCapability,
        lastCustomerMessageAt: Date?, repliesSinceCustomerMessage: Int = 0, optedOut: Bool = false
    ) {
        self.channelID = channelID
        self.kind = kind
        self.policy = policy
        self.outOfWindow = outOfWindow
        self.lastCustomerMessageAt = lastCustomerMessageAt
        self.repliesSinceCustomerMessage = repliesSinceCustomerMessage
        self.optedOut = optedOut
    }

    public func window(now: Date) -> ReplyWindow {
        ReplyWindow(
            policy: policy, outOfWindow: outOfWindow, lastCustomerMessageAt: lastCustomerMessageAt,
            repliesSinceCustomerMessage: repliesSinceCustomerMessage, now: now
        )
    }
}

/// How a web visitor who is not looking at the chat can still be told.
public struct VisitorReach: Sendable, Equatable {
    /// A widget of theirs has a socket open right now.
    public var connected: Bool
    /// Browsers where they allowed notifications.
    public var pushSubscriptions: Int
    /// The address they gave in the pre-chat or leave-message form.
    public var email: String?
    /// The server can send email (an SMTP server is configured).
    public var mailConfigured: Bool

    public init(connected: Bool, pushSubscriptions: Int = 0, email: String? = nil, mailConfigured: Bool = true) {
        self.connected = connected
        self.pushSubscriptions = pushSubscriptions
        self.email = email
        self.mailConfigured = mailConfigured
    }

    public static let unknown = VisitorReach(connected: false)
}
