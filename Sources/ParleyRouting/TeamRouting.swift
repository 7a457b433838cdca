import Foundation
import ParleyCore

/// One team's (skill group's) routing configuration: how it assigns, whom it serves first, when it
/// is open, where its overflow goes. Upserting a changed value re-sorts the team's queue and agents.
public struct TeamRouting: Sendable, Equatable {
    public var id: TeamID
    public var name: String
    public var strategy: RoutingStrategy
    public var priority: PriorityRules
    /// How long after the contact's last conversation with an agent that agent gets them first again;
    /// 0 turns sticky routing off. Manual-claim teams assign nothing automatically, so ignore it.
    public var stickyWindow: TimeInterval
    public var overflow: OverflowRule?
    /// Nil: always open. The hours' zone is also the team's zone for "earlier today".
    public var hours: BusinessHours?

    public init(
        id: TeamID, name: String = "", strategy: RoutingStrategy = .leastBusy, priority: PriorityRules = PriorityRules(),
        stickyWindow: TimeInterval = 0, overflow: OverflowRule? = nil, hours: BusinessHours? = nil
    ) {
        self.id = id
        self.name = name
        self.strategy = strategy
        self.priority = priority
        self.stickyWindow = stickyWindow
        self.overflow = overflow
        self.hours = hours
    }

    /// The team's local time zone: its business hours' zone, or UTC for a team that is always open.
    public var timeZone: TimeZone { hours?.timeZone ?? TimeZone(identifier: "UTC") ?? .current }

    /// "team 3" or "team 3 (Billing)", for refusal reasons.
    var label: String { name.isEmpty ? "team \(id)" : "team \(id) (\(name))" }
}
