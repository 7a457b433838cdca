import Foundation

/// One message in a conversation's thread.
public struct Message: Sendable, Equatable, Codable {
    public var id: MessageID
    public var conversationID: ConversationID
    public var channelID: ChannelID
    public var direction: MessageDirection
    public var sender: MessageSender
    public var content: MessageContent
    /// The platform's own id (WeChat MsgId, Telegram update_id, web chat client id...).
    public var platformMessageID: String?
    /// For outbound messages: how far delivery has come. Inbound and notes are `.received`.
    public var status: DeliveryStatus
    public var createdAt: Date
    /// For a sent outbound message: the route it took (free text, template, email...).
    public var route: DeliveryRoute?
    /// What became of pushing a held web-chat reply back to an away visitor: where it went
    /// ("email to ana@example.com"), or why no route was left.
    public var routeNote: String?

    public init(
        id: MessageID, conversationID: ConversationID, channelID: ChannelID, direction: MessageDirection,
        sender: MessageSender, content: MessageContent, platformMessageID: String?, status: DeliveryStatus,
        createdAt: Date, route: DeliveryRoute? = nil, routeNote: String? = nil
    ) {
        self.route = route
        self.routeNote = routeNote
        self.id = id
        self.conversationID = conversationID
        self.channelID = channelID
        self.direction = direction
        self.sender = sender
        self.content = content
        self.platformMessageID = platformMessageID
        self.status = status
        self.createdAt = createdAt
    }
}

public enum MessageDirection: String, Sendable, Codable {
    case inbound
    case outbound
    /// An internal note: agents see it, the customer never does.
    case note
}

/// Who wrote a message.
public enum MessageSender: Sendable, Equatable, Hashable {
    case contact(ContactID)
    case agent(AgentID)
    case bot
    case system
}

/// Where an outbound message is on its way to the customer.
public enum DeliveryStatus: Sendable, Equatable {
    /// An inbound message or a note: nothing to deliver.
    case received
    case queued
    case sent
    case delivered
    case read
    case failed(reason: String)

    /// Status only moves forward: a late "delivered" receipt never undoes "read".
    public func canAdvance(to next: DeliveryStatus) -> Bool {
        switch (self, next) {
        case (.queued, .sent), (.queued, .delivered), (.queued, .read), (.queued, .failed): true
        case (.sent, .delivered), (.sent, .read), (.sent, .failed): true
        case (.delivered, .read): true
        default: false
        }
    }

    public var name: String {
        switch self {
        case .received: "received"
        case .queued: "queued"
        case .sent: "sent"
        case .delivered: "delivered"
        case .read: "read"
        case .failed: "failed"
        }
    }

    public var failureReason: String? {
        if case .failed(let reason) = self { return reason }
        return nil
    }

    public init?(name: String, failureReason: String?) {
        switch name {
        case "received": self = .received
        case "queued": self = .queued
        case "sent": self = .sent
        case "delivered": self = .delivered
        case "read": self = .read
        case "failed": self = .failed(reason: failureReason ?? "unknown")
        default: return nil
        }
    }
}
