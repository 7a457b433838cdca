import Foundation

/// The conversation state machine: a pure function from (state, command) to the next state and
/// the event that records it. Nothing here does I/O, so every rule is tested synchronously.
public enum ConversationLifecycle {
    public static func apply(
        _ command: ConversationCommand,
        to state: ConversationState,
        by actor: Participant,
        at time: Date
    ) throws(LifecycleError) -> (ConversationState, ConversationTransition) {
        let next = try nextState(command, from: state)
        let transition = ConversationTransition(
            command: command, from: state.status, to: next.status,
            previousAssignee: state.assignee, assignee: next.assignee,
            actor: actor, at: time
        )
        return (next, transition)
    }

    private static func nextState(
        _ command: ConversationCommand, from state: ConversationState
    ) throws(LifecycleError) -> ConversationState {
        let illegal = LifecycleError.illegalTransition(command: command.name, from: state.status)
        switch (command, state.status) {
        case (.handOver, .bot):
            return ConversationState(status: .queued)
        case (.assign(let agent), .queued), (.assign(let agent), .pending):
            return ConversationState(status: .assigned, assignee: agent)
        case (.assign(let agent), .assigned):
            guard agent != state.assignee else { throw LifecycleError.alreadyAssigned(agent) }
            return ConversationState(status: .assigned, assignee: agent)
        case (.release, .assigned):
            return ConversationState(status: .queued)
        case (.park, .queued):
            return ConversationState(status: .pending)
        case (.resolve, .bot), (.resolve, .queued), (.resolve, .assigned), (.resolve, .pending):
            return ConversationState(status: .resolved, assignee: state.assignee)
        case (.close(.idle), .bot), (.close(.idle), .assigned):
            return ConversationState(status: .closed, assignee: state.assignee, closeReason: .idle)
        case (.close(.abandoned), .bot), (.close(.abandoned), .queued), (.close(.abandoned), .pending):
            return ConversationState(status: .closed, assignee: state.assignee, closeReason: .abandoned)
        case (.reopen, .resolved), (.reopen, .closed):
            return ConversationState(status: .queued)
        case (.escalate, .assigned), (.escalate, .queued):
            return ConversationState(status: .queued)
        default:
            throw illegal
        }
    }
}

/// A lifecycle command that the current state does not allow.
public enum LifecycleError: Error, Equatable, CustomStringConvertible {
    case illegalTransition(command: String, from: ConversationStatus)
    case alreadyAssigned(AgentID)

    public var description: String {
        switch self {
        case .illegalTransition(let command, let from):
            "cannot \(command.replacingOccurrences(of: "_", with: " ")) a conversation that is \(from.rawValue)"
        case .alreadyAssigned(let agent):
            "the conversation is already assigned to agent \(agent)"
        }
    }
}

/// The record of one lifecycle step: what happened, who did it, when.
public struct ConversationTransition: Sendable, Equatable {
    public var command: ConversationCommand
    public var from: ConversationStatus
    public var to: ConversationStatus
    public var previousAssignee: AgentID?
    public var assignee: AgentID?
    public var actor: Participant
    public var at: Date

    public init(
        command: ConversationCommand, from: ConversationStatus, to: ConversationStatus,
        previousAssignee: AgentID?, assignee: AgentID?, actor: Participant, at: Date
    ) {
        self.command = command
        self.from = from
        self.to = to
        self.previousAssignee = previousAssignee
        self.assignee = assignee
        self.actor = actor
        self.at = at
    }
}
