/// The timers a conversation can run, each at most once at a time (one row per kind in the
/// store's `deadlines` table).
public enum DeadlineKind: String, Sendable, Codable, CaseIterable {
    /// "Are you still there?", some time before the idle close.
    case nudge
    /// The customer stayed silent after our last message for the channel's idle timeout.
    case idleClose = "idle-close"
    /// The customer has waited this long for a person's answer: escalate, never close.
    case agentReply = "agent-reply"
}
