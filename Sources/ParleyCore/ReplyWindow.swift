import Foundation

/// Whether an agent may answer freely right now, and for how long: the platform's window after
/// the customer's last message (WeChat 48 h, WhatsApp and Messenger 24 h) and its cap on replies
/// inside it (WeChat 5). The workbench shows it before the agent types.
public struct ReplyWindow: Sendable, Equatable {
    /// Free replies are allowed until then; `nil` when the customer has never written.
    public var openUntil: Date?
    /// Replies left inside the window, when the platform caps them.
    public var remainingSends: Int?
    public var isOpen: Bool
    /// What a reply can still become once the window is closed.
    public var outside: OutOfWindowRoute

    /// `nil` for channels without a window or a cap (web chat, Telegram, LINE, SMS).
    public init?(policy: ChannelPolicy, lastCustomerMessageAt: Date?, repliesSinceCustomerMessage: Int, now: Date) {
        guard policy.replyWindow != nil || policy.sendsPerWindow != nil else { return nil }
        openUntil = lastCustomerMessageAt.map { last in policy.replyWindow.map { last.addingTimeInterval($0) } ?? .distantFuture }
        remainingSends = policy.sendsPerWindow.map { max(0, $0 - repliesSinceCustomerMessage) }
        isOpen = (openUntil.map { now < $0 } ?? false) && (remainingSends ?? 1) > 0
        outside = policy.outsideWindow
    }
}
