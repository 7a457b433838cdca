/// A person who answers customers in the workbench.
public struct Agent: Sendable, Equatable, Codable {
    public var id: AgentID
    public var email: String
    public var name: String
    public var role: AgentRole
    /// The teams the agent belongs to: an agent sees the unassigned conversations of these.
    public var teams: Set<TeamID>

    public init(id: AgentID, email: String, name: String, role: AgentRole, teams: Set<TeamID> = []) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.teams = teams
    }

    /// Agents see their own conversations and the unassigned ones of their teams (and those of no
    /// team, which any agent may take); an external bot sees the conversations that are with the
    /// bot; supervisors and admins see all.
    public func canSee(_ conversation: Conversation) -> Bool {
        switch role {
        case .admin, .supervisor: true
        case .agent:
            if let assignee = conversation.assignee { assignee == id } else { conversation.team.map(teams.contains) ?? true }
        case .bot: conversation.status == .bot
        }
    }

    /// Supervisors and admins: they see every conversation and watch over the floor.
    public var oversees: Bool { role == .admin || role == .supervisor }
}

public enum AgentRole: String, Sendable, Codable, CaseIterable {
    case admin
    case supervisor
    case agent
    /// An external bot's account: it reads and answers conversations that are with the bot and
    /// hands them over, nothing else.
    case bot
}
