/// The part of a conversation that its lifecycle rules govern.
public struct ConversationState: Sendable, Equatable {
    public var status: ConversationStatus
    public var assignee: AgentID?
    public var closeReason: CloseReason?

    public init(status: ConversationStatus, assignee: AgentID? = nil, closeReason: CloseReason? = nil) {
        self.status = status
        self.assignee = assignee
        self.closeReason = closeReason
    }

    public static let newWithBot = ConversationState(status: .bot)
    public static let newInQueue = ConversationState(status: .queued)
}

/// Everything that can happen to a conversation's lifecycle.
public enum ConversationCommand: Sendable, Equatable {
    /// The bot hands the customer to a person.
    case handOver
    /// An agent takes it (from the queue or the left-message pool), or it moves to another agent.
    case assign(AgentID)
    /// The agent gives it back to the queue.
    case release
    /// Nobody can take it now: it becomes a left message.
    case park
    case resolve
    case close(CloseReason)
    /// The customer wrote again after it was resolved or closed.
    case reopen
    /// The customer waited too long for an answer: back to the queue to be offered again (an
    /// assigned one loses its agent), with the event telling supervisors. Never a close.
    case escalate

    public var name: String {
        switch self {
        case .handOver: "hand_over"
        case .assign: "assign"
        case .release: "release"
        case .park: "park"
        case .resolve: "resolve"
        case .close: "close"
        case .reopen: "reopen"
        case .escalate: "escalate"
        }
    }
}
