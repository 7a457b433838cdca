import Foundation
import ParleyCore

/// Where a team's waiting conversations go when it cannot serve them: when no agent of the team is
/// online, or when a conversation has waited in the team longer than `afterWaiting`.
///
/// A move is one hop per decision, only into a team that is open, and never back into a team the
/// conversation has already overflowed out of, so A→B→A cycles cannot happen.
public struct OverflowRule: Sendable, Equatable, Codable {
    /// The team that takes the overflow.
    public var team: TeamID
    /// Seconds in this team's queue after which a conversation moves; 0 moves only when nobody is online.
    public var afterWaiting: TimeInterval

    public init(team: TeamID, afterWaiting: TimeInterval = 0) {
        self.team = team
        self.afterWaiting = afterWaiting
    }
}
