import Foundation

/// The internal note an escalation leaves in the conversation, so whoever opens it next — the
/// supervisor watching the stream, the agent it goes to — reads why it came back to the queue.
public enum EscalationNote {
    public static func text(waited: TimeInterval, agentName: String?) -> String {
        let wait = DurationText.format(waited)
        guard let agentName else {
            return "Escalated: the customer waited \(wait) in the queue without an answer."
        }
        return "Escalated: the customer waited \(wait) for an answer from \(agentName); offered to the team again."
    }
}
