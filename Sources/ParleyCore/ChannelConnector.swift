import Foundation

/// An adapter between one platform and the gateway: bytes in, normalized events out; an
/// outbound message in, a platform request out through the injected transport.
///
/// Connectors hold no state the gateway depends on and do no storage, so each can be tested
/// without a server.
public protocol ChannelConnector: Sendable {
    var channel: Channel { get }

    /// Answers a platform's URL-verification request (WeChat `echostr`, Meta `hub.challenge`).
    func verify(_ request: WebhookRequest) throws(ConnectorError) -> WebhookResponse

    /// Checks that a webhook really comes from the platform, over the raw bytes, in constant time.
    func authenticate(_ request: WebhookRequest) throws(ConnectorError)

    /// Turns an authenticated webhook into normalized events. Only ever called on a request that
    /// `authenticate` accepted, so it need not verify the signature again.
    func decode(_ request: WebhookRequest) throws(ConnectorError) -> [InboundEvent]

    /// The body the platform expects once every event of the request is committed.
    func acknowledge(_ request: WebhookRequest, receipts: [IngestReceipt]) -> WebhookResponse

    /// Delivers one outbound message to the platform.
    func send(_ delivery: OutboundDelivery, transport: any HTTPTransport) async -> SendOutcome

    /// What the channel, as configured, can still send once its reply window has closed.
    var outOfWindow: OutOfWindowCapability { get }
}

extension ChannelConnector {
    public var policy: ChannelPolicy { channel.policy }

    public var outOfWindow: OutOfWindowCapability { OutOfWindowCapability(policy: policy, kind: channel.kind) }
}

/// An outbound message with what a connector needs to address it.
public struct OutboundDelivery: Sendable, Equatable {
    public var messageID: MessageID
    public var conversationID: ConversationID
    /// The customer's id on the platform.
    public var recipient: String
    public var content: MessageContent
    /// 1 for the first try.
    public var attempt: Int
    /// When the customer last wrote, for reply-window decisions.
    public var lastCustomerMessageAt: Date?
    /// Replies already delivered since then, for platforms that cap them (WeChat: 5 per 48 h).
    public var sendsSinceCustomerMessage: Int
    /// The customer opted out of messages on this channel (SMS `STOP`).
    public var recipientOptedOut: Bool
    /// The customer's latest unused reply token, handed to the first attempt of the first reply
    /// after it and to no other: the store consumes it when it claims that attempt.
    public var replyToken: ReplyToken?

    public init(
        messageID: MessageID, conversationID: ConversationID, recipient: String, content: MessageContent,
        attempt: Int, lastCustomerMessageAt: Date?, sendsSinceCustomerMessage: Int = 0, recipientOptedOut: Bool = false,
        replyToken: ReplyToken? = nil
    ) {
        self.messageID = messageID
        self.conversationID = conversationID
        self.recipient = recipient
        self.content = content
        self.attempt = attempt
        self.lastCustomerMessageAt = lastCustomerMessageAt
        self.sendsSinceCustomerMessage = sendsSinceCustomerMessage
        self.recipientOptedOut = recipientOptedOut
        self.replyToken = replyToken
    }
}

/// What became of one send attempt.
public enum SendOutcome: Sendable, Equatable {
    /// The platform accepted it; its id lets later receipts find the message, the route says
    /// what it became (a template, a tagged message...).
    case sent(platformMessageID: String?, via: DeliveryRoute)
    /// A temporary failure (429, 5xx, timeout): try again, not before `after` seconds when given.
    case retryLater(reason: String, after: TimeInterval?)
    /// It will never succeed as it is; the reason is shown to the agent.
    case failed(reason: String)
}

extension SendOutcome {
    /// The same outcome, saying that a successful send took `route`.
    public func via(_ route: DeliveryRoute) -> SendOutcome {
        guard case .sent(let id, _) = self else { return self }
        return .sent(platformMessageID: id, via: route)
    }
}

/// A channel whose customers are anonymous web visitors, identified by a token the channel
/// issues and can later verify without a database lookup.
public protocol VisitorChannelConnector: ChannelConnector {
    /// A fresh visitor id and the token that proves it.
    func issueVisitorToken() -> (visitorID: String, token: String)
    /// The visitor id a token proves, or `nil` when the token is forged or malformed.
    func visitorID(fromToken token: String) -> String?
    /// The token of a visitor this channel issued, for a link that brings them back to the chat.
    func token(forVisitor visitorID: String) -> String
    /// How long a reply waits for a visitor who is away before it is pushed back to them by
    /// another route (`offlineFallbackAfter`); zero turns the push-back off.
    var offlineFallbackAfter: TimeInterval { get }
    /// The page that reopens the chat (`reopenURL`, the business's own page embedding the widget);
    /// `nil` means parleyd's own chat page for the channel.
    var reopenURL: String? { get }
}
