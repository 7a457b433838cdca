import Foundation
import ParleyCore
import ParleyStore

extension Gateway {
    /// The conversation's reply window and running timers under its channel's policy and
    /// configuration, now; `nil` when the channel cannot be loaded.
    public func countdowns(for conversation: Conversation) async -> ConversationCountdowns? {
        guard let connector = try? await registry.connector(for: conversation.channelID) else { return nil }
        return ConversationCountdowns(conversation: conversation, policy: connector.policy, outOfWindow: connector.outOfWindow, now: clock.now())
    }

    /// The conversation's reply window alone.
    public func replyWindow(for conversation: Conversation) async -> ReplyWindow? {
        await countdowns(for: conversation)?.window
    }

    /// What a reply to the conversation would become now, and what is left if that fails: the
    /// same plan the dispatcher follows.
    public func deliveryPlan(for conversation: Conversation) async throws(GatewayError) -> DeliveryPlan {
        try await planning.plan(for: conversation)
    }

    /// The conversation's running timers (nudge, idle close, escalation), for its countdowns.
    public func timers(of conversation: ConversationID) async throws(GatewayError) -> [DeadlineKind: Date] {
        do { return try await scheduler.deadlines(of: conversation) } catch { throw GatewayError.unavailable("\(error)") }
    }
}
