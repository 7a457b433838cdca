import Foundation

/// What a reply written now would become, and what is left if that fails: the dispatcher
/// follows it and the workbench shows it before the agent types.
public struct DeliveryPlan: Sendable, Equatable {
    /// The conversation's own channel's window.
    public var window: ReplyWindow
    /// Best first. Empty when no route is left.
    public var routes: [PlannedRoute]
    /// Routes that exist in principle but not for this customer now, with why.
    public var unavailable: [UnavailableRoute]

    public init(window: ReplyWindow, routes: [PlannedRoute], unavailable: [UnavailableRoute]) {
        self.window = window
        self.routes = routes
        self.unavailable = unavailable
    }

    /// What a reply becomes right now.
    public var first: PlannedRoute? { routes.first }

    /// Why nothing can reach the customer, when nothing can.
    public var impossibleReason: String? {
        guard routes.isEmpty else { return nil }
        guard !unavailable.isEmpty else { return "the customer cannot be reached on any channel" }
        return unavailable.map(\.reason).joined(separator: "; ")
    }
}

/// One usable route: which channel carries it, until when it stays usable, and why it is there.
public struct PlannedRoute: Sendable, Equatable {
    public var route: DeliveryRoute
    public var channelID: ChannelID
    public var channelKind: ChannelKind
    /// Another channel linked to the same contact rather than the conversation's own.
    public var linked: Bool
    /// The route stops being usable then (a window's end), `nil` = no limit.
    public var until: Date?
    public var reason: String

    public init(route: DeliveryRoute, channelID: ChannelID, channelKind: ChannelKind, linked: Bool, until: Date?, reason: String) {
        self.route = route
        self.channelID = channelID
        self.channelKind = channelKind
        self.linked = linked
        self.until = until
        self.reason = reason
    }
}

/// A route that cannot carry a reply, and why: in a plan, or given up on by a push-back.
public struct UnavailableRoute: Sendable, Equatable, Codable {
    public var route: DeliveryRoute
    public var channelID: ChannelID
    public var reason: String

    public init(route: DeliveryRoute, channelID: ChannelID, reason: String) {
        self.route = route
        self.channelID = channelID
        self.reason = reason
    }
}
