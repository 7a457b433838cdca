import Foundation
import ParleyCore

/// A run of replies held for a web visitor who left, and the route this row tries to push them
/// back by. Each route tried is its own row with its own retries and final state; a route that
/// gives up hands the run to a new row, carrying what was ruled out and why.
public struct PushBackJob: Sendable, Equatable {
    public var id: Int64
    public var origin: PushBackOrigin
    public var conversationID: ConversationID
    /// The held replies this run covers: outbound messages of the conversation in this id range
    /// that are still waiting for the visitor when a route is tried.
    public var firstMessageID: MessageID
    public var lastMessageID: MessageID
    /// The route this row tries, once an attempt chose it.
    public var route: DeliveryRoute?
    public var routeChannelID: ChannelID?
    /// Routes earlier rows of the run gave up on.
    public var ruledOut: [UnavailableRoute]
    /// Attempts made on this row before this claim.
    public var attempts: Int

    public init(
        id: Int64, origin: PushBackOrigin = .heldForReturn, conversationID: ConversationID, firstMessageID: MessageID,
        lastMessageID: MessageID, route: DeliveryRoute?, routeChannelID: ChannelID?, ruledOut: [UnavailableRoute], attempts: Int
    ) {
        self.id = id
        self.origin = origin
        self.conversationID = conversationID
        self.firstMessageID = firstMessageID
        self.lastMessageID = lastMessageID
        self.route = route
        self.routeChannelID = routeChannelID
        self.ruledOut = ruledOut
        self.attempts = attempts
    }
}

/// Why replies wait for a push-back.
public enum PushBackOrigin: String, Sendable, Equatable {
    /// Sent to a web visitor who had left: held for their return, pushed after the offline
    /// fallback delay by Web Push, email or another channel.
    case heldForReturn = "held"
    /// Refused for good by the conversation's own channel (window closed with no template, STOP,
    /// a platform's permanent error): still queued, handed on to the contact's other channels.
    case refusedByChannel = "refused"
}

/// The push-back outbox the gateway's push-back dispatcher drains. Rows are queued by the
/// offline-fallback deadline in the transaction that fires it, or by the dispatcher when a
/// channel refuses a reply (`OutboxRepository.refuse`).
public protocol PushBackRepository: Sendable {
    func claimDuePushBacks(now: Date, limit: Int, lease: TimeInterval) async throws -> [PushBackJob]
    /// Puts rows a previous process had claimed back in line (single-node start-up).
    func releasePushBackClaims() async throws
    /// When the earliest pending row becomes due, `nil` when none is pending.
    func nextPushBackDue() async throws -> Date?
    /// The run's replies the customer still has not received (held for their return, or refused
    /// by their channel and still queued), oldest first.
    func heldMessages(of job: PushBackJob) async throws -> [Message]
    /// The route reached the visitor: the held replies record it with `note` (and become
    /// delivered when `delivered`, e.g. an email the mail server accepted). Returns them.
    func completePushBack(
        _ job: PushBackJob, via route: DeliveryRoute, channel: ChannelID, note: String, delivered: Bool, at time: Date
    ) async throws -> [Message]
    func retryPushBack(_ job: PushBackJob, via route: DeliveryRoute, channel: ChannelID, at next: Date, error: String, now: Date) async throws
    /// The row's route gave up: it ends failed, and a new row takes the run on to the next route now.
    func movePushBackOn(_ job: PushBackJob, after failure: UnavailableRoute, now: Date) async throws
    /// No route is left: the row ends failed and the replies carry the reason. Held replies still
    /// wait in the chat for the visitor's return; refused ones fail with it. Returns them.
    func abandonPushBack(_ job: PushBackJob, reason: String, at time: Date) async throws -> [Message]
    /// The visitor came back and received everything: nothing to push.
    func closeReturnedPushBack(_ job: PushBackJob, at time: Date) async throws
}
