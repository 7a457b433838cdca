import Foundation
import ParleyCore

/// A reply an admin wrote once for agents to send again: `/refund-policy` in the workbench.
/// `text` may hold variables (`CannedTemplate`), filled in for each conversation it is sent to.
public struct CannedResponse: Sendable, Equatable {
    public var id: CannedResponseID
    /// Unique whatever its case.
    public var shortcut: String
    public var title: String
    public var text: String
    /// Only this team's members (and supervisors and admins) use it; `nil`: every agent.
    public var team: TeamID?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: CannedResponseID, shortcut: String, title: String, text: String, team: TeamID?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.shortcut = shortcut
        self.title = title
        self.text = text
        self.team = team
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
