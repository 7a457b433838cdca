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
        let home = try await registry.connector(for: conversation.channelID)
        let identities: [IdentityActivity]
        do { identities = try await reach.identityActivity(ofContact: conversation.contactID) } catch {
            throw GatewayError.unavailable("\(error)")
        }
        let homeIdentity = identities.first { $0.identityID == conversation.identityID }
        var linked: [ReachableIdentity] = []
        for identity in identities where identity.identityID != conversation.identityID {
            // A channel removed since the customer used it cannot carry anything.
            guard let connector = try? await registry.connector(for: identity.channelID) else { continue }
            linked.append(Self.reachable(identity, connector))
        }
        var visitor = VisitorReach.unknown
        if home.channel.kind == .webchat {
            visitor = VisitorReach(
                connected: await visitors.isConnected(channel: conversation.channelID, visitor: conversation.externalID),
                pushSubscriptions: await pushSubscriptionCount(channelID: conversation.channelID, visitorID: conversation.externalID)
            )
        }
        let ownClock = ReachableIdentity(
            channelID: conversation.channelID, kind: home.channel.kind, policy: home.policy, outOfWindow: home.outOfWindow,
            lastCustomerMessageAt: conversation.lastCustomerMessageAt,
            repliesSinceCustomerMessage: conversation.repliesSinceCustomerMessage, optedOut: homeIdentity?.optedOut ?? false
        )
        return DeliveryPlanner.plan(home: ownClock, visitor: visitor, linked: linked, now: clock.now())
    }

    /// The conversation's running timers (nudge, idle close, escalation), for its countdowns.
    public func timers(of conversation: ConversationID) async throws(GatewayError) -> [DeadlineKind: Date] {
        do { return try await scheduler.deadlines(of: conversation) } catch { throw GatewayError.unavailable("\(error)") }
    }

    private static func reachable(_ identity: IdentityActivity, _ connector: any ChannelConnector) -> ReachableIdentity {
        ReachableIdentity(
            channelID: identity.channelID, kind: connector.channel.kind, policy: connector.policy, outOfWindow: connector.outOfWindow,
            lastCustomerMessageAt: identity.lastCustomerMessageAt, repliesSinceCustomerMessage: identity.repliesSinceCustomerMessage,
            optedOut: identity.optedOut
        )
    }
}
