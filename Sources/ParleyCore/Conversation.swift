import Foundation

/// One thread between a contact and the business on one channel.
public struct Conversation: Sendable, Equatable {
    public var id: ConversationID
    public var channelID: ChannelID
    public var contactID: ContactID
    public var identityID: IdentityID
    /// The customer's id on the channel (OpenID, chat id, visitor id), kept here so events can be
    /// routed to the customer's own sockets without another lookup.
    public var externalID: String
    public var state: ConversationState
    public var createdAt: Date
    public var updatedAt: Date
    /// When the customer last wrote: reply windows are counted from here.
    public var lastCustomerMessageAt: Date?
    public var lastMessageAt: Date?
    public var lastMessagePreview: String?
    /// Replies delivered since the customer last wrote; platforms that cap them (WeChat: 5 per
    /// customer message) count from here.
    public var repliesSinceCustomerMessage: Int
    /// When an agent or the bot last wrote to the customer: the idle clock runs from here.
    public var lastReplyAt: Date?
    /// The customer's first message we have not answered yet; `nil` when we spoke last.
    public var waitingSince: Date?
    /// The team whose queue it belongs to: its own (after a transfer or overflow), else its
    /// channel's; nil when neither has one.
    public var team: TeamID?
    /// What agents tagged it with ("refund", "vip"), sorted.
    public var labels: [String]

    public init(
        id: ConversationID, channelID: ChannelID, contactID: ContactID, identityID: IdentityID,
        externalID: String, state: ConversationState, createdAt: Date, updatedAt: Date,
        lastCustomerMessageAt: Date? = nil, lastMessageAt: Date? = nil, lastMessagePreview: String? = nil,
        repliesSinceCustomerMessage: Int = 0, lastReplyAt: Date? = nil, waitingSince: Date? = nil, team: TeamID? = nil,
        labels: [String] = []
    ) {
        self.team = team
        self.id = id
        self.channelID = channelID
        self.contactID = contactID
        self.identityID = identityID
        self.externalID = externalID
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.lastCustomerMessageAt = lastCustomerMessageAt
        self.lastMessageAt = lastMessageAt
        self.lastMessagePreview = lastMessagePreview
        self.repliesSinceCustomerMessage = repliesSinceCustomerMessage
        self.lastReplyAt = lastReplyAt
        self.waitingSince = waitingSince
        self.labels = labels
    }

    public var status: ConversationStatus { state.status }
    public var assignee: AgentID? { state.assignee }

    /// Whether a customer message arriving at `time` continues this conversation (possibly by
    /// reopening it) rather than starting a new one.
    public func accepts(customerMessageAt time: Date, reopenWindow: TimeInterval) -> Bool {
        switch state.status {
        case .bot, .queued, .assigned, .pending: return true
        case .resolved, .closed: return time.timeIntervalSince(updatedAt) <= reopenWindow
        }
    }
}
