import Foundation
import ParleyCore

/// Why a claim, transfer or enqueue was refused: a kind to branch on and a sentence for people.
public struct RoutingRefusal: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case unknownAgent, unknownTeam
        case agentNotOnline, notTeamMember, atCapacity
        case notQueued, alreadyQueued, notHeldBy, alreadyThere
        case teamClosed
    }

    public let kind: Kind
    /// E.g. "agent 7 is at capacity (3 of 3 chats)".
    public let reason: String

    public var description: String { reason }

    init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    static func unknownAgent(_ id: AgentID) -> Self { Self(.unknownAgent, "agent \(id) is not known to routing") }
    static func unknownTeam(_ id: TeamID) -> Self { Self(.unknownTeam, "team \(id) is not configured") }

    static func notOnline(_ agent: AgentRouting) -> Self {
        Self(.agentNotOnline, "agent \(agent.id) is \(agent.presence.rawValue), not online")
    }

    static func notMember(_ agent: AgentID, of team: TeamRouting) -> Self {
        Self(.notTeamMember, "agent \(agent) is not in \(team.label)")
    }

    static func atCapacity(_ agent: AgentRouting) -> Self {
        Self(.atCapacity, "agent \(agent.id) is at capacity (\(agent.activeChats) of \(agent.capacity) chats)")
    }

    static func notQueued(_ id: ConversationID) -> Self { Self(.notQueued, "conversation \(id) is no longer queued") }

    static func heldWithoutHolder(_ id: ConversationID) -> Self {
        Self(.notQueued, "conversation \(id) is not queued; a transfer must name the agent who holds it")
    }

    static func alreadyQueued(_ id: ConversationID, in team: TeamID) -> Self {
        Self(.alreadyQueued, "conversation \(id) is already queued in team \(team)")
    }

    static func queuedNotHeld(_ id: ConversationID, by agent: AgentID) -> Self {
        Self(.notHeldBy, "conversation \(id) is queued, not held by agent \(agent)")
    }

    static func alreadyWith(_ id: ConversationID, agent: AgentID) -> Self {
        Self(.alreadyThere, "conversation \(id) is already with agent \(agent)")
    }

    static func closed(_ team: TeamRouting, nextOpening: Date?) -> Self {
        let when = nextOpening.map { "; it opens at " + Date.ISO8601FormatStyle(timeZone: team.timeZone).format($0) }
            ?? "; it has no opening hours"
        return Self(.teamClosed, "\(team.label) is closed" + when)
    }
}
