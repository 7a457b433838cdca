/// A person who answers customers in the workbench.
public struct Agent: Sendable, Equatable, Codable {
    public var id: AgentID
    public var email: String
    public var name: String
    public var role: AgentRole

    public init(id: AgentID, email: String, name: String, role: AgentRole) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
    }

    /// Agents see the conversations waiting for anyone and their own; supervisors and admins see all.
    public func canSee(_ conversation: Conversation) -> Bool {
        switch role {
        case .admin, .supervisor: true
        case .agent: conversation.assignee == nil || conversation.assignee == id
        }
    }
}

public enum AgentRole: String, Sendable, Codable, CaseIterable {
    case admin
    case supervisor
    case agent
}
