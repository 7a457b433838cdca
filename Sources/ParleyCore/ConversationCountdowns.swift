import Foundation

/// What the workbench counts down on a conversation: its reply window and its running timers
/// (nudge, idle close, escalation). Derived from the conversation and its channel's policy
/// alone, so every event that carries a conversation can carry them too.
public struct ConversationCountdowns: Sendable, Equatable {
    public var window: ReplyWindow
    public var timers: [DeadlineKind: Date]

    public init(conversation: Conversation, policy: ChannelPolicy, outOfWindow: OutOfWindowCapability, now: Date) {
        window = ReplyWindow(
            policy: policy, outOfWindow: outOfWindow, lastCustomerMessageAt: conversation.lastCustomerMessageAt,
            repliesSinceCustomerMessage: conversation.repliesSinceCustomerMessage, now: now
        )
        timers = ConversationTimers.deadlines(for: conversation, settings: policy.timers)
    }
}
