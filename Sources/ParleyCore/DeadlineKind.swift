/// The timers a conversation can run, each at most once at a time (one row per kind in the
/// store's `deadlines` table).
public enum DeadlineKind: String, Sendable, Codable, CaseIterable {
    /// "Are you still there?", some time before the idle close.
    case nudge
    /// The customer stayed silent after our last message for the channel's idle timeout.
    case idleClose = "idle-close"
    /// The customer has waited this long for a person's answer: escalate, never close.
    case agentReply = "agent-reply"
    /// A web visitor left before a reply reached them and has not come back: push it back to
    /// them by another route (Web Push, email, a linked channel).
    case offlineFallback = "offline-fallback"

    /// The timers that follow from the conversation's state alone (`ConversationTimers`), and so
    /// are recomputed from it. The offline fallback follows from a reply being held instead: it is
    /// armed when the reply is stored as held, and not touched by a recompute.
    public static let conversationTimers: [DeadlineKind] = [.nudge, .idleClose, .agentReply]
}
