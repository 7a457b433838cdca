/// Where a conversation is in its lifecycle (DESIGN.md, "Conversation lifecycle").
public enum ConversationStatus: String, Sendable, Codable, CaseIterable {
    /// A bot is answering; no person is involved yet.
    case bot
    /// Waiting in a queue for an agent.
    case queued
    /// An agent owns it.
    case assigned
    /// A left message (留言): nobody could take it live; agents work through these later.
    case pending
    case resolved
    case closed
}

/// Why a conversation closed without being resolved.
public enum CloseReason: String, Sendable, Codable {
    /// The customer stayed silent past the channel's idle timeout after our last message.
    case idle
    /// The customer left while waiting.
    case abandoned
}

/// Who caused something to happen.
public enum Participant: Sendable, Equatable, Hashable {
    case contact(ContactID)
    case agent(AgentID)
    case bot
    case system
}
