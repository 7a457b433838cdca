import Foundation
import ParleyCore

public enum WebhookTag {}
/// An outgoing webhook subscription.
public typealias WebhookID = EntityID<WebhookTag>

/// Outgoing webhooks: subscriptions (their secret sealed by the vault), the journal of committed
/// events the relay turns into deliveries, and the per-subscription delivery queue, which is also
/// the delivery log admins read.
public protocol WebhookRepository: Sendable {
    /// Stores a new, active subscription; it receives events committed from now on.
    func insertWebhook(_ draft: WebhookDraft, sealedSecret: [UInt8], at time: Date) async throws -> WebhookSubscription
    /// Every subscription, by id.
    func webhooks() async throws -> [WebhookSubscription]
    func webhook(_ id: WebhookID) async throws -> WebhookSubscription?
    /// Applies the change; `nil` when there is no such subscription. Re-enabling one starts it on
    /// the events committed from now on: what happened while it was off is not queued for it.
    func updateWebhook(_ id: WebhookID, _ change: WebhookChange, at time: Date) async throws -> WebhookSubscription?
    /// Replaces the sealed secret; `false` when there is no such subscription.
    func replaceWebhookSecret(_ id: WebhookID, sealedSecret: [UInt8], at time: Date) async throws -> Bool
    /// Deletes the subscription with its queue and log; `false` when there is no such subscription.
    func deleteWebhook(_ id: WebhookID) async throws -> Bool
    /// The subscription's deliveries, newest first.
    func webhookDeliveries(of id: WebhookID, limit: Int) async throws -> [WebhookDelivery]

    /// The oldest journal entries, in commit order, with the events they stand for.
    func webhookJournal(limit: Int) async throws -> WebhookJournalBatch
    /// In one transaction: queues each event for every active subscription that wants it, in the
    /// given (commit) order, and removes the `consumed` journal entries up to `through`. Throws
    /// `StoreError.conflict` and writes nothing if those entries are no longer all there (another
    /// relay took them). Returns how many deliveries it queued.
    func queueWebhookDeliveries(_ events: [RelayedEvent], through journalID: Int64, consumed: Int, at time: Date) async throws -> Int

    /// Claims due deliveries, at most one per subscription and always its oldest unfinished one,
    /// so a subscription's events leave one at a time and in order. Disabled subscriptions wait.
    func claimDueWebhookDeliveries(now: Date, limit: Int, lease: TimeInterval) async throws -> [WebhookDeliveryJob]
    /// Puts deliveries a previous process had claimed back in line (single-node start-up).
    func releaseWebhookClaims() async throws
    /// When the next claimable delivery becomes due (a subscription's oldest one), `nil` when none waits.
    func nextWebhookDeliveryDue() async throws -> Date?
    /// The subscriber answered 2xx.
    func completeWebhookDelivery(_ job: WebhookDeliveryJob, status: Int, at time: Date) async throws
    /// The attempt failed (`status` when the subscriber answered at all): retried at `next`.
    func retryWebhookDelivery(_ job: WebhookDeliveryJob, status: Int?, error: String, at next: Date, now: Date) async throws
}

/// What an admin gives to subscribe.
public struct WebhookDraft: Sendable, Equatable {
    public var url: String
    /// Event type names, or `["*"]` for all.
    public var eventTypes: [String]
    public var includeNotes: Bool

    public init(url: String, eventTypes: [String], includeNotes: Bool) {
        self.url = url
        self.eventTypes = eventTypes
        self.includeNotes = includeNotes
    }
}

/// A partial update: `nil` keeps the current value.
public struct WebhookChange: Sendable, Equatable {
    public var url: String?
    public var eventTypes: [String]?
    public var includeNotes: Bool?
    public var active: Bool?

    public init(url: String? = nil, eventTypes: [String]? = nil, includeNotes: Bool? = nil, active: Bool? = nil) {
        self.url = url
        self.eventTypes = eventTypes
        self.includeNotes = includeNotes
        self.active = active
    }
}

/// A subscription as admins see it: never its secret.
public struct WebhookSubscription: Sendable, Equatable {
    public var id: WebhookID
    public var url: String
    public var eventTypes: [String]
    public var includeNotes: Bool
    public var active: Bool
    /// Failed attempts in a row; 0 after a success.
    public var consecutiveFailures: Int
    public var lastStatus: Int?
    public var lastError: String?
    public var lastAttemptAt: Date?
    public var lastDeliveredAt: Date?
    /// Deliveries queued and not yet delivered.
    public var pendingDeliveries: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: WebhookID, url: String, eventTypes: [String], includeNotes: Bool, active: Bool, consecutiveFailures: Int = 0,
        lastStatus: Int? = nil, lastError: String? = nil, lastAttemptAt: Date? = nil, lastDeliveredAt: Date? = nil,
        pendingDeliveries: Int = 0, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.url = url
        self.eventTypes = eventTypes
        self.includeNotes = includeNotes
        self.active = active
        self.consecutiveFailures = consecutiveFailures
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.lastAttemptAt = lastAttemptAt
        self.lastDeliveredAt = lastDeliveredAt
        self.pendingDeliveries = pendingDeliveries
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether an event of `type` goes to this subscription. Internal notes go only to one that
    /// asked for them (`includeNotes`), even with `*`: they are never meant for the customer, and
    /// an integration should not receive them by accident.
    public func wants(_ type: String, isNote: Bool) -> Bool {
        Self.wants(type, isNote: isNote, eventTypes: eventTypes, includeNotes: includeNotes)
    }

    static func wants(_ type: String, isNote: Bool, eventTypes: [String], includeNotes: Bool) -> Bool {
        (eventTypes.contains("*") || eventTypes.contains(type)) && (!isNote || includeNotes)
    }
}

/// One entry of a subscription's delivery log.
public struct WebhookDelivery: Sendable, Equatable {
    public enum State: String, Sendable {
        case pending, sending, delivered
    }

    public var id: Int64
    public var eventType: String
    public var state: State
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Date
    public var lastAttemptAt: Date?
    /// When a pending delivery is tried next.
    public var nextAttemptAt: Date?
    public var deliveredAt: Date?

    public init(
        id: Int64, eventType: String, state: State, attempts: Int, lastStatus: Int?, lastError: String?, createdAt: Date,
        lastAttemptAt: Date?, nextAttemptAt: Date?, deliveredAt: Date?
    ) {
        self.id = id
        self.eventType = eventType
        self.state = state
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.createdAt = createdAt
        self.lastAttemptAt = lastAttemptAt
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
    }
}

/// The journal's oldest entries, and whether any subscription is active (when none is and the
/// journal is empty, the relay need not look again until something changes).
public struct WebhookJournalBatch: Sendable {
    public var entries: [WebhookJournalEntry]
    public var anyActive: Bool

    public init(entries: [WebhookJournalEntry], anyActive: Bool) {
        self.entries = entries
        self.anyActive = anyActive
    }
}

/// One committed change in the journal. `event` is nil when its row is gone (nothing to send).
public struct WebhookJournalEntry: Sendable {
    public var id: Int64
    public var event: DomainEvent?

    public init(id: Int64, event: DomainEvent?) {
        self.id = id
        self.event = event
    }
}

/// A journal entry's event, encoded once: every subscription gets the same bytes, and every
/// retry re-sends them.
public struct RelayedEvent: Sendable, Equatable {
    public var journalID: Int64
    public var type: String
    public var isNote: Bool
    public var payload: String

    public init(journalID: Int64, type: String, isNote: Bool, payload: String) {
        self.journalID = journalID
        self.type = type
        self.isNote = isNote
        self.payload = payload
    }
}

/// A claimed delivery with what the attempt needs.
public struct WebhookDeliveryJob: Sendable, Equatable {
    public var id: Int64
    public var subscriptionID: WebhookID
    public var url: String
    public var sealedSecret: [UInt8]
    public var eventType: String
    public var payload: String
    /// Attempts made before this claim.
    public var attempts: Int

    public init(
        id: Int64, subscriptionID: WebhookID, url: String, sealedSecret: [UInt8], eventType: String, payload: String, attempts: Int
    ) {
        self.id = id
        self.subscriptionID = subscriptionID
        self.url = url
        self.sealedSecret = sealedSecret
        self.eventType = eventType
        self.payload = payload
        self.attempts = attempts
    }
}
