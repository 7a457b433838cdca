/// Whether an agent takes new conversations.
///
/// Only `online` agents are offered conversations; `away` agents keep the ones they hold but get no
/// new ones (a coffee break must not strand their customers); `offline` is the same as away for
/// routing, and tells supervisors the agent has left.
public enum Presence: String, Sendable, Codable, CaseIterable {
    case online
    case away
    case offline
}
