import Foundation
import ParleyCore

/// What routing needs to know about one agent. The router keeps `activeChats` and `lastAssignedAt`
/// up to date from its own decisions and from `chatEnded`; an upsert replaces all of it.
public struct AgentRouting: Sendable, Equatable {
    public var id: AgentID
    /// The teams the agent takes conversations for (at least one to get any).
    public var teams: Set<TeamID>
    /// How many chats the agent handles at once.
    public var capacity: Int
    public var presence: Presence
    /// Chats the agent holds now.
    public var activeChats: Int
    /// When the agent last got a conversation; least-busy ties go to whoever waited longest (nil first).
    public var lastAssignedAt: Date?

    public init(
        id: AgentID, teams: Set<TeamID>, capacity: Int, presence: Presence = .offline, activeChats: Int = 0,
        lastAssignedAt: Date? = nil
    ) {
        self.id = id
        self.teams = teams
        self.capacity = capacity
        self.presence = presence
        self.activeChats = activeChats
        self.lastAssignedAt = lastAssignedAt
    }

    /// Online and below capacity: may be given one more conversation.
    public var canTakeMore: Bool { presence == .online && activeChats < capacity }
}
