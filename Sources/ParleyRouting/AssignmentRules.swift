import ParleyCore

/// Who may hand a conversation to whom. Pure rules over values; the gateway applies them
/// before the lifecycle is asked whether the transition itself is legal.
public enum AssignmentRules {
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case notYours(owner: AgentID)
        case supervisorsOnly
        case botsHandOver

        public var description: String {
            switch self {
            case .notYours(let owner):
                "the conversation belongs to agent \(owner); only they, a supervisor or an admin can move it"
            case .botsHandOver:
                "a bot account does not assign conversations; it hands them over (POST /api/v1/conversations/{id}/hand-over)"
            case .supervisorsOnly:
                "only a supervisor or an admin can give an unassigned conversation to someone else; claim it with \"me\""
            }
        }
    }

    /// Agents claim unowned conversations for themselves and transfer their own; supervisors
    /// and admins may move anything.
    public static func check(
        actor: Agent, conversation: Conversation, target: AgentID
    ) throws(Refusal) {
        switch actor.role {
        case .admin, .supervisor:
            return
        case .bot:
            throw .botsHandOver
        case .agent:
            if let owner = conversation.assignee, owner != actor.id {
                throw .notYours(owner: owner)
            }
            if conversation.assignee == nil, target != actor.id {
                // Pushing a queued conversation onto a colleague is a supervisor's call.
                throw .supervisorsOnly
            }
        }
    }

    /// Replying and resolving follow ownership: your own, anything unowned, or anything for supervisors.
    public static func checkOwnership(actor: Agent, conversation: Conversation) throws(Refusal) {
        guard actor.role == .agent, let owner = conversation.assignee, owner != actor.id else { return }
        throw .notYours(owner: owner)
    }
}
