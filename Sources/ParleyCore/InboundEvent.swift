import Foundation

/// What a connector makes of a platform's webhook: normalized, channel-independent events.
public enum InboundEvent: Sendable, Equatable {
    case message(InboundMessage)
    /// A platform receipt for one of our outbound messages (delivered, read, failed).
    case deliveryReceipt(platformMessageID: String, status: DeliveryStatus, at: Date)
    /// A receipt that names no message, only a time (Messenger `delivery`/`read` watermarks):
    /// every message sent to `externalUserID` up to `upTo` reached `status`.
    case deliveryWatermark(externalUserID: String, status: DeliveryStatus, upTo: Date)
    /// The customer asked to receive nothing more (SMS `STOP`), or to receive messages again
    /// (`START`). Sends to an opted-out customer fail with the reason instead of reaching them.
    case optOut(externalUserID: String, optedOut: Bool)
}

/// A customer's message as the connector decoded it.
public struct InboundMessage: Sendable, Equatable {
    /// The sender's id on the platform (OpenID, chat id, phone number, visitor id).
    public var externalUserID: String
    public var displayName: String?
    /// The platform's id for this message: the dedupe key, unique per channel.
    public var platformMessageID: String
    public var content: MessageContent
    public var sentAt: Date
    /// A single-use token to answer this message with (LINE), kept on the conversation so the
    /// first reply can use it while it is fresh.
    public var replyToken: String?

    public init(
        externalUserID: String, displayName: String? = nil, platformMessageID: String, content: MessageContent, sentAt: Date,
        replyToken: String? = nil
    ) {
        self.externalUserID = externalUserID
        self.displayName = displayName
        self.platformMessageID = platformMessageID
        self.content = content
        self.sentAt = sentAt
        self.replyToken = replyToken
    }
}

/// What the gateway did with one inbound message; connectors build their acknowledgement from it.
public struct IngestReceipt: Sendable, Equatable {
    public var platformMessageID: String
    public var messageID: MessageID
    public var conversationID: ConversationID
    /// True when the platform had delivered this message before: stored once, acknowledged again.
    public var duplicate: Bool

    public init(platformMessageID: String, messageID: MessageID, conversationID: ConversationID, duplicate: Bool) {
        self.platformMessageID = platformMessageID
        self.messageID = messageID
        self.conversationID = conversationID
        self.duplicate = duplicate
    }
}
