import Foundation
import ParleyCore

/// Channel configuration, with credentials kept sealed (see `CredentialVault`).
public protocol ChannelRepository: Sendable {
    func insertChannel(_ channel: Channel, sealedCredentials: [UInt8], at time: Date) async throws
    func channels() async throws -> [Channel]
    func channel(_ id: ChannelID) async throws -> StoredChannel?
    /// Replaces the channel's settings; `false` when there is no such channel.
    func updateChannelSettings(_ id: ChannelID, settings: [String: String]) async throws -> Bool
    /// Where polling of the channel resumes (Telegram: the next update_id), if it ever polled.
    func pollCursor(_ id: ChannelID) async throws -> String?
    func savePollCursor(_ cursor: String, for id: ChannelID, at time: Date) async throws
}

/// Agents, their password hashes and their API tokens (stored as digests only).
public protocol AgentRepository: Sendable {
    func insertAgent(_ draft: AgentDraft, at time: Date) async throws(StoreError) -> Agent
    func agentWithPasswordHash(email: String) async throws -> (Agent, String)?
    func agent(_ id: AgentID) async throws -> Agent?
    /// Every agent, by id.
    func agents() async throws -> [Agent]
    func agentCount() async throws -> Int
    func insertToken(digest: [UInt8], agent: AgentID, expiresAt: Date, at time: Date) async throws
    func agent(tokenDigest: [UInt8], now: Date) async throws -> Agent?
}

/// Conversations and their messages: durable ingest, lifecycle changes, outbound replies.
public protocol ConversationRepository: Sendable {
    /// Stores a batch of inbound messages in one transaction. Each item succeeds or fails on
    /// its own; nothing of a failed item is written.
    func ingest(_ items: [IngestItem]) async throws -> [Result<IngestResult, StoreError>]
    /// `ingest` holding the calling thread until the transaction is durable: for the ingest
    /// pipeline's own writer thread, whose commits follow each other with no scheduling between.
    func ingestBlocking(_ items: [IngestItem]) throws -> [Result<IngestResult, StoreError>]
    func conversation(_ id: ConversationID) async throws -> Conversation?
    func conversations(_ filter: ConversationFilter) async throws -> [Conversation]
    /// Newest first when `before` is given, in thread order in the returned array.
    func messages(in conversation: ConversationID, before: MessageID?, limit: Int) async throws -> [Message]
    /// A customer's visible thread across all their conversations on one channel, after a cursor.
    func messages(channel: ChannelID, externalID: String, after: MessageID?, limit: Int) async throws -> [Message]
    /// Applies a lifecycle command and recomputes the conversation's timers with `timers`.
    func apply(
        _ command: ConversationCommand, to id: ConversationID, by actor: Participant, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> (Conversation, ConversationTransition)
    /// Records an outbound message and its outbox row in one transaction.
    func appendOutbound(
        to id: ConversationID, content: MessageContent, sender: MessageSender, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> (Message, Conversation)
    /// Records that the customer `externalID` opted out of (or back into) messages on the channel.
    /// Returns false when no such customer has written yet.
    func setOptOut(channel: ChannelID, externalID: String, optedOut: Bool, at time: Date) async throws -> Bool
    /// Applies a platform's delivery receipt; `nil` when no outbound message has that id or the
    /// status would move backwards.
    func applyReceipt(channel: ChannelID, platformMessageID: String, status: DeliveryStatus) async throws -> Message?
    /// Applies a watermark receipt: moves every message sent to the customer `externalID` up to
    /// `upTo` forward to `status`. Returns the messages that changed, oldest first.
    func applyWatermark(channel: ChannelID, externalID: String, status: DeliveryStatus, upTo: Date) async throws -> [Message]
    /// Moves an outbound message's status forward; `nil` when it would move backwards.
    func advance(_ id: MessageID, to status: DeliveryStatus) async throws -> Message?
}

/// What became of a reply its channel refused.
public enum RefusedSend: Sendable, Equatable {
    case deadLettered(Message)
    /// Queued for the contact's other channels (push-back origin `.refusedByChannel`).
    case handedOn(Message)
}

/// The outbox the dispatcher drains.
public protocol OutboxRepository: Sendable {
    /// Claims due rows, at most one per conversation and always that conversation's oldest
    /// unfinished row, so one conversation's replies leave in order.
    func claimDue(now: Date, limit: Int, lease: TimeInterval) async throws -> [OutboxItem]
    /// Puts rows a previous process had claimed back in line (single-node start-up).
    func releaseClaims() async throws
    /// Records the send and the route it took. A reply held for an away web visitor
    /// (`.heldForReturn`) arms the conversation's offline-fallback deadline at `pushBackAt` in
    /// the same transaction, unless an earlier one is already waiting.
    func markSent(_ item: OutboxItem, platformMessageID: String?, via route: DeliveryRoute, at time: Date, pushBackAt: Date?) async throws -> Message
    func scheduleRetry(_ item: OutboxItem, at next: Date, error: String, now: Date) async throws
    /// Puts a claimed row back until `next` without counting an attempt (rate limiting).
    func postpone(_ item: OutboxItem, until next: Date, now: Date) async throws
    /// The channel refused the send for good. When the contact has an identity on another channel
    /// the reply stays queued and a push-back row hands it on to them there, in this transaction;
    /// otherwise it is dead-lettered with `reason`.
    func refuse(_ item: OutboxItem, reason: String, at time: Date) async throws -> RefusedSend
    /// When the earliest pending row becomes due, `nil` when none is pending.
    func nextDueDate() async throws -> Date?
}

public struct StoredChannel: Sendable {
    public var channel: Channel
    public var sealedCredentials: [UInt8]
}

public struct AgentDraft: Sendable {
    public var email: String
    public var name: String
    public var role: AgentRole
    public var passwordHash: String

    public init(email: String, name: String, role: AgentRole, passwordHash: String) {
        self.email = email
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
    }
}

public struct ConversationFilter: Sendable {
    public var status: ConversationStatus?
    public var assignee: AgentID?
    public var unassignedOnly: Bool
    /// Only conversations carrying this label (as stored: normalized).
    public var label: String?
    /// Only this contact's conversations, on every channel.
    public var contact: ContactID?
    public var limit: Int

    public init(
        status: ConversationStatus? = nil, assignee: AgentID? = nil, unassignedOnly: Bool = false, label: String? = nil,
        contact: ContactID? = nil, limit: Int = 100
    ) {
        self.status = status
        self.assignee = assignee
        self.unassignedOnly = unassignedOnly
        self.label = label
        self.contact = contact
        self.limit = limit
    }
}

/// One inbound message to ingest, with what the store needs to know about its channel.
public struct IngestItem: Sendable {
    public var channelID: ChannelID
    public var reopenWindow: TimeInterval
    public var message: InboundMessage
    public var receivedAt: Date
    /// The message's media expires on the platform: a download job is queued with it.
    public var downloadsMedia: Bool
    /// The channel's timers, recomputed in the message's transaction.
    public var timers: TimerSettings

    public init(
        channelID: ChannelID, reopenWindow: TimeInterval, message: InboundMessage, receivedAt: Date, downloadsMedia: Bool = false,
        timers: TimerSettings = TimerSettings(idleTimeout: 0)
    ) {
        self.timers = timers
        self.channelID = channelID
        self.reopenWindow = reopenWindow
        self.message = message
        self.receivedAt = receivedAt
        self.downloadsMedia = downloadsMedia
    }
}

/// What ingesting one message did, and the events to publish once the batch is committed.
public struct IngestResult: Sendable {
    public var receipt: IngestReceipt
    public var events: [DomainEvent]
    /// The earliest deadline this message armed, if any, so the scheduler can wake for it.
    public var earliestDeadline: Date?
    /// The message queued a send to the customer (the thanks for a rating): wake the dispatcher.
    public var queuedSends: Bool

    public init(receipt: IngestReceipt, events: [DomainEvent], earliestDeadline: Date? = nil, queuedSends: Bool = false) {
        self.receipt = receipt
        self.events = events
        self.earliestDeadline = earliestDeadline
        self.queuedSends = queuedSends
    }
}

/// A conversation timer that is due, as the scheduler reads it before firing.
public struct DueDeadline: Sendable, Equatable {
    public var conversationID: ConversationID
    public var channelID: ChannelID
    public var kind: DeadlineKind
    public var dueAt: Date

    public init(conversationID: ConversationID, channelID: ChannelID, kind: DeadlineKind, dueAt: Date) {
        self.conversationID = conversationID
        self.channelID = channelID
        self.kind = kind
        self.dueAt = dueAt
    }
}

/// What one firing pass did: events to publish after the commit, and whether it queued sends.
public struct FiredDeadlines: Sendable {
    public var count = 0
    public var events: [DomainEvent] = []
    public var queuedSends = false
    /// An offline fallback found held replies and queued a push-back for them.
    public var queuedPushBacks = false
    public var escalated: [ConversationID] = []

    public init() {}
}

/// Conversation timers as rows (DESIGN.md: deadlines live in the database). Rows are written in
/// the transaction of the event that changes them; firing marks and acts in one transaction,
/// so each deadline fires once across restarts and `kill -9`.
public protocol DeadlineRepository: Sendable {
    /// The earliest unfired due time.
    func nextDeadline() async throws -> Date?
    func dueDeadlines(now: Date, limit: Int) async throws -> [DueDeadline]
    /// Fires those still due and unfired, with each channel's policy (texts, timers); a deadline
    /// whose channel is missing from `policies` is left for a later pass.
    func fire(_ due: [DueDeadline], now: Date, policies: [ChannelID: ChannelPolicy]) async throws -> FiredDeadlines
    /// Recomputes the deadlines of the channel's open conversations after its settings changed
    /// (or at start); returns how many conversations it looked at.
    func recomputeDeadlines(channel: ChannelID, settings: TimerSettings) async throws -> Int
    /// The unfired deadlines of one conversation.
    func deadlines(of conversation: ConversationID) async throws -> [DeadlineKind: Date]
}

/// An outbox row joined with what the dispatcher needs to send it.
public struct OutboxItem: Sendable, Equatable {
    public var id: Int64
    public var channelID: ChannelID
    /// Attempts made before this claim.
    public var attempts: Int
    public var delivery: OutboundDelivery
}

/// One inbound media file waiting to be fetched from its platform.
public struct MediaDownloadJob: Sendable, Equatable {
    public var messageID: MessageID
    public var channelID: ChannelID
    public var media: MediaReference
    public var attempts: Int

    public init(messageID: MessageID, channelID: ChannelID, media: MediaReference, attempts: Int) {
        self.messageID = messageID
        self.channelID = channelID
        self.media = media
        self.attempts = attempts
    }
}

/// Download jobs queued by ingest, in the same transaction as their message, so a file is
/// fetched even if the process stops right after acknowledging the platform.
public protocol MediaDownloadRepository: Sendable {
    func dueMediaDownloads(now: Date, limit: Int) async throws -> [MediaDownloadJob]
    /// Stores the file and points the message at it; returns the updated message.
    func completeMediaDownload(_ job: MediaDownloadJob, bytes: [UInt8], mimeType: String?, at time: Date) async throws -> Message
    func retryMediaDownload(_ job: MediaDownloadJob, at next: Date, error: String) async throws
    func abandonMediaDownload(_ job: MediaDownloadJob, error: String, at time: Date) async throws
    /// The stored file of a message, for agents.
    func mediaFile(of message: MessageID) async throws -> [UInt8]?
    func message(_ id: MessageID) async throws -> Message?
}

/// Secrets of the server itself (the VAPID key), sealed by the vault like channel credentials.
public protocol ServerSecretRepository: Sendable {
    /// Stores `sealed` under `name` unless a value is there already; returns the value kept, so
    /// two processes starting at once agree on one.
    func keepSecret(named name: String, sealed: [UInt8], at time: Date) async throws -> [UInt8]
}

/// Browsers where web visitors allowed notifications.
public protocol PushSubscriptionRepository: Sendable {
    /// Stores the subscription for the visitor (a browser's endpoint moves to whoever subscribed last).
    func savePushSubscription(_ subscription: PushSubscription, channel: ChannelID, visitor: String, at time: Date) async throws
    func pushSubscriptions(channel: ChannelID, visitor: String) async throws -> [PushSubscription]
    /// The push service said the subscription is gone (404/410).
    func deletePushSubscription(endpoint: String) async throws
}

/// Contacts and their identities: what the delivery planner needs to reach them, what the
/// workbench shows of them, and merging two that are the same person.
public protocol ReachRepository: Sendable {
    /// The contact with every identity and its channel; `nil` when there is no such contact.
    func contact(_ id: ContactID) async throws -> ContactRecord?
    /// Every identity of the contact, with the customer's clock on it.
    func identityActivity(ofContact contact: ContactID) async throws -> [IdentityActivity]
    /// The address the contact left (pre-chat or leave-message form), if any.
    func email(ofContact contact: ContactID) async throws -> String?
    /// Keeps the address (and name, when given) a web visitor left, creating their contact if
    /// they have not written yet. Returns the contact.
    @discardableResult
    func saveVisitorEmail(_ email: String, name: String?, channel: ChannelID, visitor: String, at time: Date) async throws -> ContactID
    /// The same person known as two contacts: `duplicate`'s identities, conversations and messages
    /// move to `kept`, which keeps its own name and email and takes the duplicate's where it has
    /// none; the duplicate is deleted. One transaction. Returns the conversations that moved, as
    /// they are now.
    @discardableResult
    func mergeContacts(_ duplicate: ContactID, into kept: ContactID) async throws(StoreError) -> [Conversation]
}

/// One identity of a contact and the customer's latest activity on it.
public struct IdentityActivity: Sendable, Equatable {
    public var identityID: IdentityID
    public var channelID: ChannelID
    public var externalID: String
    /// From the identity's most recently active conversation.
    public var lastCustomerMessageAt: Date?
    public var repliesSinceCustomerMessage: Int
    public var optedOut: Bool

    public init(
        identityID: IdentityID, channelID: ChannelID, externalID: String, lastCustomerMessageAt: Date?,
        repliesSinceCustomerMessage: Int, optedOut: Bool
    ) {
        self.identityID = identityID
        self.channelID = channelID
        self.externalID = externalID
        self.lastCustomerMessageAt = lastCustomerMessageAt
        self.repliesSinceCustomerMessage = repliesSinceCustomerMessage
        self.optedOut = optedOut
    }
}
