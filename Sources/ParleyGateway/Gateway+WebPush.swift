import Foundation
import ParleyCore
import ParleyStore

extension Gateway {
    /// The key the widget subscribes browsers with; `notFound` when Web Push is not set up.
    public func pushApplicationServerKey() throws(GatewayError) -> String {
        guard let webPush else { throw GatewayError.notFound("Web Push is not configured on this server") }
        return webPush.applicationServerKey
    }

    /// A visitor allowed notifications: stores their browser's subscription (the browser's
    /// `PushSubscription.toJSON()`), once it is well formed and points at a known push service.
    public func subscribeToPush(channelID: ChannelID, token: String, subscription json: [UInt8]) async throws(GatewayError) {
        let visitorID = try await visitorID(channelID: channelID, token: token)
        guard let webPush else { throw GatewayError.notFound("Web Push is not configured on this server") }
        let subscription: PushSubscription
        do {
            subscription = try PushSubscription.decode(json: json)
        } catch {
            throw GatewayError.invalid(field: error.field, reason: error.reason)
        }
        if let refusal = webPush.refusal(for: subscription) {
            throw GatewayError.invalid(field: "endpoint", reason: refusal)
        }
        do {
            try await pushSubscriptions.savePushSubscription(subscription, channel: channelID, visitor: visitorID, at: clock.now())
        } catch {
            throw GatewayError.unavailable("the subscription was not stored: \(error)")
        }
    }
}
