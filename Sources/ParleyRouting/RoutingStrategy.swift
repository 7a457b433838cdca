/// How a team picks the agent for the conversation at the head of its queue.
public enum RoutingStrategy: String, Sendable, Codable, CaseIterable {
    /// The online agent with the fewest active chats; ties go to the agent idle longest (oldest last
    /// assignment, never-assigned first), then to the lowest agent id.
    case leastBusy = "least-busy"
    /// Online agents with spare capacity in agent-id order, continuing after the agent who got the
    /// previous conversation and wrapping around.
    case roundRobin = "round-robin"
    /// Nothing is assigned automatically: agents claim (抢单) conversations from the team queue.
    case manualClaim = "manual-claim"

    /// Whether the router assigns conversations itself (and must drain the queue when capacity appears).
    public var assignsAutomatically: Bool { self != .manualClaim }
}
