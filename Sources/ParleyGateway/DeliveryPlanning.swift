import Foundation
import ParleyCore
import ParleyStore

/// Gathers what the pure `DeliveryPlanner` needs about one conversation — the channels'
/// policies, the contact's other identities, a web visitor's presence, push subscriptions and
/// email — so the agent's view of a plan and the push-back dispatcher follow the same one.
struct DeliveryPlanning: Sendable {
    let registry: ConnectorRegistry
    let reach: any ReachRepository
    let pushSubscriptions: any PushSubscriptionRepository
    let visitors: VisitorPresence
    let webPushConfigured: Bool
    let mailConfigured: Bool
    let clock: any WallClock

    func plan(for conversation: Conversation) async throws(GatewayError) -> DeliveryPlan {
        let home = try await registry.connector(for: conversation.channelID)
        let identities: [IdentityActivity]
        var visitor = VisitorReach.unknown
        do {
            identities = try await reach.identityActivity(ofContact: conversation.contactID)
            if home.channel.kind == .webchat {
                visitor = VisitorReach(
                    connected: await visitors.isConnected(channel: conversation.channelID, visitor: conversation.externalID),
                    pushSubscriptions: try await pushSubscriptionCount(channelID: conversation.channelID, visitorID: conversation.externalID),
                    email: try await reach.email(ofContact: conversation.contactID),
                    mailConfigured: mailConfigured
                )
            }
        } catch {
            throw GatewayError.unavailable("\(error)")
        }
        let homeIdentity = identities.first { $0.identityID == conversation.identityID }
        var linked: [ReachableIdentity] = []
        for identity in identities where identity.identityID != conversation.identityID {
            // A channel removed since the customer used it cannot carry anything.
            guard let connector = try? await registry.connector(for: identity.channelID) else { continue }
            linked.append(Self.reachable(identity, connector))
        }
        let ownClock = ReachableIdentity(
            channelID: conversation.channelID, kind: home.channel.kind, policy: home.policy, outOfWindow: home.outOfWindow,
            lastCustomerMessageAt: conversation.lastCustomerMessageAt,
            repliesSinceCustomerMessage: conversation.repliesSinceCustomerMessage, optedOut: homeIdentity?.optedOut ?? false
        )
        return DeliveryPlanner.plan(home: ownClock, visitor: visitor, linked: linked, now: clock.now())
    }

    /// The browsers where the visitor allowed notifications (none count without a VAPID key).
    func pushSubscriptionCount(channelID: ChannelID, visitorID: String) async throws -> Int {
        guard webPushConfigured else { return 0 }
        return try await pushSubscriptions.pushSubscriptions(channel: channelID, visitor: visitorID).count
    }

    private static func reachable(_ identity: IdentityActivity, _ connector: any ChannelConnector) -> ReachableIdentity {
        ReachableIdentity(
            channelID: identity.channelID, kind: connector.channel.kind, policy: connector.policy, outOfWindow: connector.outOfWindow,
            lastCustomerMessageAt: identity.lastCustomerMessageAt, repliesSinceCustomerMessage: identity.repliesSinceCustomerMessage,
            optedOut: identity.optedOut
        )
    }
}
