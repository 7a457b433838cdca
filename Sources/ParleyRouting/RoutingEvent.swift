import ParleyCore

/// Something the router must react to. The gateway sends one per state change it commits, in order,
/// with the time it happened; `Router.handle` answers with the actions to carry out.
public enum RoutingEvent: Sendable, Equatable {
    /// A conversation wants an agent (bot hand-over, customer's first message).
    case enqueued(QueueEntry)
    /// A queued conversation went away without an agent (abandoned, resolved, left a message). Ignored
    /// when it is not queued, so repeating it is harmless.
    case removed(ConversationID)
    case presenceChanged(AgentID, Presence)
    case capacityChanged(AgentID, Int)
    /// A new agent, or new teams/capacity/presence/counters for a known one.
    case agentUpserted(AgentRouting)
    case agentRemoved(AgentID)
    /// One of the agent's chats ended (resolved, closed): a slot is free.
    case chatEnded(AgentID)
    /// An agent takes a queued conversation (抢单).
    case claim(ConversationID, by: AgentID)
    /// Move a conversation to an agent or a team. It carries the whole entry, not just an id, because
    /// a conversation an agent holds is no longer in the router's queue and a team transfer re-queues
    /// it (with its original `enqueuedAt`). `from` is the agent holding it, nil while it is queued.
    case transfer(QueueEntry, from: AgentID?, to: TransferTarget)
    case teamUpserted(TeamRouting)
    /// Time passed: overflow wait thresholds and opening hours are checked. Also drains anything the
    /// initial state allows, so send one right after `init`.
    case tick
}

/// Where a transfer sends a conversation.
public enum TransferTarget: Sendable, Equatable {
    /// Straight to this agent, who must be online with a free slot (a transfer never overloads anyone).
    case agent(AgentID)
    /// Into this team's queue, keeping the original wait time; the team must be open.
    case team(TeamID)
}
