import Foundation
import ParleyCore

/// What the gateway must do after a routing event. Actions come in the order decided, with
/// `queueMoved` last (at most one per team per event).
public enum RoutingAction: Sendable, Equatable {
    /// Give the conversation to the agent. `team` is the team it is served under; nil for an
    /// agent-to-agent transfer, which keeps whatever team it had.
    case assign(ConversationID, agent: AgentID, team: TeamID?, reason: AssignmentReason)
    /// The conversation now waits in (or was just assigned from) another team.
    case overflowed(ConversationID, from: TeamID, to: TeamID)
    /// The team's queue changed: every conversation at `fromPosition` or later (1-based, after the
    /// event) has a new position. Lets the gateway refresh only those customers, via
    /// `Router.position(of:)`, instead of the router emitting one action per waiting customer.
    case queueMoved(TeamID, fromPosition: Int)
    /// The team is closed: the conversation was not queued; tell the customer when it opens and offer
    /// to leave a message (the conversation goes to `pending`).
    case outsideHours(ConversationID, team: TeamID, nextOpening: Date?)
    /// The conversation is queued but nobody in the team is online and no overflow could take it; it
    /// stays queued (the first agent to come online gets it), and the gateway may offer to leave a
    /// message, sending `removed` if the customer does.
    case noAgentOnline(ConversationID, team: TeamID)
    /// A claim, transfer or enqueue that cannot be done; nothing changed.
    case refused(ConversationID, RoutingRefusal)
}

/// Why an agent got a conversation.
public enum AssignmentReason: String, Sendable, Codable {
    /// The agent who served this contact recently (within the team's sticky window).
    case sticky
    /// The team's strategy (least-busy, round-robin) picked the agent.
    case strategy
    /// The agent claimed it from the queue.
    case claim
    /// Someone transferred it to the agent.
    case transfer
}
