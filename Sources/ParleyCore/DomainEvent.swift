/// What happened, after it was committed. Agent streams and visitor sockets read these events
/// from the bus; outgoing webhooks read the same events back from the store's webhook journal
/// (`WebhookRelay`), which survives a crash the in-memory bus does not.
public enum DomainEvent: Sendable {
    case messageCreated(Message, Conversation)
    case messageUpdated(Message)
    case conversationCreated(Conversation)
    case conversationUpdated(Conversation, ConversationTransition?)

    /// The wire name of the event type.
    public var type: String {
        switch self {
        case .messageCreated: "message.created"
        case .messageUpdated: "message.updated"
        case .conversationCreated: "conversation.created"
        case .conversationUpdated: "conversation.updated"
        }
    }

    /// The conversation as the event left it, when the event carries it.
    public var conversation: Conversation? {
        switch self {
        case .messageCreated(_, let conversation), .conversationCreated(let conversation), .conversationUpdated(let conversation, _):
            conversation
        case .messageUpdated: nil
        }
    }

    public var conversationID: ConversationID {
        switch self {
        case .messageCreated(let message, _), .messageUpdated(let message): message.conversationID
        case .conversationCreated(let conversation), .conversationUpdated(let conversation, _): conversation.id
        }
    }
}
