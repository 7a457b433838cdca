import Foundation

/// Whether an agent may answer freely right now, and for how long: the platform's window after
/// the customer's last message (WeChat 48 h, WhatsApp and Messenger 24 h), its cap on replies
/// inside it (WeChat 5), and what a reply becomes once it has closed. The workbench shows it
/// before the agent types; the planner builds on it.
public struct ReplyWindow: Sendable, Equatable {
    public enum State: String, Sendable, Codable {
        /// The channel has no window: free messages at any time (web chat, Telegram, LINE, SMS).
        case always
        /// Inside the window, under the cap.
        case open
        /// The window has passed.
        case closed
        /// Inside the window, but every allowed reply has been sent (WeChat's 5).
        case quotaUsed
        /// The customer has never written, so no window ever opened.
        case notOpened
    }

    /// What a reply can become once free replies are over.
    public enum Fallback: Sendable, Equatable {
        /// The out-of-window form, usable until `until` (`nil` = no limit).
        case available(OutOfWindowRoute, until: Date?)
        /// The form existed but its own time ran out (Messenger's `HUMAN_AGENT` after 7 days).
        case expired(OutOfWindowRoute, at: Date)
        case unavailable(reason: String)
    }

    public var state: State
    /// When the window closes, while it is open.
    public var closesAt: Date?
    /// Replies left inside the window, on channels that cap them.
    public var remainingSends: Int?
    public var fallback: Fallback

    public var isOpen: Bool { state == .always || state == .open }

    public init(
        policy: ChannelPolicy, outOfWindow: OutOfWindowCapability, lastCustomerMessageAt: Date?,
        repliesSinceCustomerMessage: Int, now: Date
    ) {
        remainingSends = policy.sendsPerWindow.map { max(0, $0 - repliesSinceCustomerMessage) }
        switch outOfWindow {
        case .unavailable(let reason):
            fallback = .unavailable(reason: reason)
        case .available(let route, let lasting):
            let until = lasting.flatMap { length in lastCustomerMessageAt.map { $0.addingTimeInterval(length) } }
            if let until, now >= until {
                fallback = .expired(route, at: until)
            } else if lasting != nil, lastCustomerMessageAt == nil {
                // A form that counts from the customer's last message needs one to count from.
                fallback = .unavailable(reason: "the customer has never written on this channel")
            } else {
                fallback = .available(route, until: until)
            }
        }
        guard policy.replyWindow != nil || policy.sendsPerWindow != nil else {
            state = .always
            return
        }
        guard let last = lastCustomerMessageAt else {
            state = .notOpened
            return
        }
        let closes = policy.replyWindow.map { last.addingTimeInterval($0) }
        if let closes, now >= closes {
            state = .closed
        } else if remainingSends == 0 {
            state = .quotaUsed
        } else {
            state = .open
            closesAt = closes
        }
    }
}
