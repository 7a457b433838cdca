import Foundation

/// Picks how a reply reaches a customer (DESIGN.md "Offline push-back"), in order: the live
/// socket, the channel's own API inside its window, the channel's out-of-window form, for web
/// visitors held for their return then Web Push then email, then another channel linked to the
/// same contact — or nothing, with the reasons. Pure: the same answer for the dispatcher and
/// for the agent looking at the conversation.
public enum DeliveryPlanner {
    /// - Parameters:
    ///   - home: the conversation's own channel identity.
    ///   - visitor: how a web visitor can be told (used on web chat only).
    ///   - linked: the contact's identities on other channels.
    public static func plan(home: ReachableIdentity, visitor: VisitorReach, linked: [ReachableIdentity], now: Date) -> DeliveryPlan {
        var plan = DeliveryPlan(window: home.window(now: now), routes: [], unavailable: [])
        if home.kind == .webchat {
            planVisitor(home, visitor, into: &plan)
        } else {
            planChannel(home, window: plan.window, linked: false, into: &plan)
        }
        // The customer's most recently used channels first: the likeliest to be read.
        let others = linked.filter { $0.channelID != home.channelID && $0.kind != .webchat }.sorted {
            ($0.lastCustomerMessageAt ?? .distantPast, $0.channelID.rawValue) > ($1.lastCustomerMessageAt ?? .distantPast, $1.channelID.rawValue)
        }
        for other in others {
            var own = DeliveryPlan(window: other.window(now: now), routes: [], unavailable: [])
            planChannel(other, window: own.window, linked: true, into: &own)
            // One route per linked channel: its best one stands for it.
            if let best = own.routes.first { plan.routes.append(best) }
            plan.unavailable += own.unavailable
        }
        return plan
    }

    private static func planVisitor(_ home: ReachableIdentity, _ visitor: VisitorReach, into plan: inout DeliveryPlan) {
        func add(_ route: DeliveryRoute, _ reason: String) {
            plan.routes.append(PlannedRoute(route: route, channelID: home.channelID, channelKind: .webchat, linked: false, until: nil, reason: reason))
        }
        if visitor.connected {
            add(.liveSocket, "the visitor has the chat open")
            return
        }
        add(.heldForReturn, "the visitor is away: the reply waits in the chat for their return")
        if visitor.pushSubscriptions > 0 {
            add(.webPush, "the visitor allowed notifications in their browser")
        } else {
            plan.unavailable.append(UnavailableRoute(route: .webPush, channelID: home.channelID, reason: "the visitor has not allowed notifications"))
        }
        if let email = visitor.email, !visitor.mailConfigured {
            plan.unavailable.append(UnavailableRoute(
                route: .email, channelID: home.channelID,
                reason: "the visitor left the address \(email), but this server has no SMTP server to send from (PARLEY_SMTP_URL)"
            ))
        } else if let email = visitor.email {
            add(.email, "the visitor left the address \(email)")
        } else {
            plan.unavailable.append(UnavailableRoute(route: .email, channelID: home.channelID, reason: "the visitor left no email address"))
        }
    }

    private static func planChannel(_ identity: ReachableIdentity, window: ReplyWindow, linked: Bool, into plan: inout DeliveryPlan) {
        let name = identity.kind.displayName
        let prefix = linked ? "linked \(name) channel: " : ""
        func add(_ route: DeliveryRoute, until: Date?, _ reason: String) {
            plan.routes.append(PlannedRoute(
                route: route, channelID: identity.channelID, channelKind: identity.kind, linked: linked, until: until, reason: prefix + reason
            ))
        }
        func refuse(_ route: DeliveryRoute, _ reason: String) {
            plan.unavailable.append(UnavailableRoute(route: route, channelID: identity.channelID, reason: prefix + reason))
        }
        if identity.optedOut {
            refuse(.freeText, "the customer opted out of \(name) messages (STOP); they must send START first")
            return
        }
        switch window.state {
        case .always:
            add(identity.kind == .line ? .push : .freeText, until: nil, "\(name) accepts messages at any time")
            return
        case .open:
            let sends = window.remainingSends.map { ", \($0) of \(identity.policy.sendsPerWindow ?? $0) replies left" } ?? ""
            add(.freeText, until: window.closesAt, "inside \(name)'s reply window\(sends)")
        case .closed:
            let length = identity.policy.replyWindow.map { " for \(DurationText.format($0))" } ?? ""
            refuse(.freeText, "the customer hasn't written on \(name)\(length), so its reply window is closed")
        case .quotaUsed:
            refuse(.freeText, "\(name) allows \(identity.policy.sendsPerWindow ?? 0) replies per customer message and all are used")
        case .notOpened:
            refuse(.freeText, "the customer has never written on \(name), so no reply window is open")
        }
        // The out-of-window form: what a reply becomes once the window closes, and a fallback
        // while it is open in case the platform's clock or count disagrees with ours.
        switch window.fallback {
        case .available(let form, let until):
            if let route = form.deliveryRoute {
                let when = window.state == .open ? "once the window closes" : "outside the reply window"
                add(route, until: until, "\(name) \(route.phrase) \(when)")
            }
        case .expired(let form, _):
            let route = form.deliveryRoute ?? .freeText
            if window.state != .open { refuse(route, "\(name)'s \(route.phrase) window has passed too; only a new customer message reopens it") }
        case .unavailable(let reason):
            if window.state != .open { refuse(identity.policy.outsideWindow.deliveryRoute ?? .freeText, reason) }
        }
    }
}
