import Foundation
import Logging
import ParleyCore
import ParleyStore
import ServiceLifecycle
import Synchronization

/// Writes an event as the JSON body subscribers receive. The HTTP layer injects the agent
/// stream's encoding, so a webhook and a stream frame for the same event have one shape.
public typealias WebhookPayloadEncoder = @Sendable (DomainEvent) throws -> [UInt8]

/// Turns committed changes into webhook deliveries.
///
/// It does not trust the event bus, which lives in memory and drops a slow reader's oldest
/// events: it reads the webhook journal, which triggers fill inside the very transaction of each
/// new message and lifecycle event (migration 0013). One transaction then queues the deliveries
/// and removes the entries it covered, so an event is queued once, in commit order, even across
/// a `kill -9`. The bus only wakes it early; a safety pass runs every few seconds regardless
/// (a change made by another process, such as `parleyd webhook add`, is seen that way).
public final class WebhookRelay: Service {
    private struct State {
        /// False once a pass found no active subscription and nothing journaled: commits need not
        /// wake it, because the triggers journal nothing either. An admin change sets it again.
        var listening = true
        /// A wake-up is on its way; commits until the next pass need not send another.
        var signalled = false
    }

    private let webhooks: any WebhookRepository
    private let encode: WebhookPayloadEncoder
    private let deliverer: WebhookDeliverer
    private let clock: any WallClock
    private let logger: Logger
    private let wakeSignal = WakeSignal()
    private let state = Mutex(State())
    private let batchSize = 256
    private let safetyInterval: Duration = .seconds(5)

    init(webhooks: any WebhookRepository, encode: @escaping WebhookPayloadEncoder, deliverer: WebhookDeliverer, clock: any WallClock, logger: Logger) {
        self.webhooks = webhooks
        self.encode = encode
        self.deliverer = deliverer
        self.clock = clock
        self.logger = logger
    }

    /// Something committed (called by the bus on every publish, so it does as little as it can).
    func noteCommit() {
        let signal = state.withLock { state in
            guard state.listening, !state.signalled else { return false }
            state.signalled = true
            return true
        }
        if signal { Task { await wakeSignal.signal() } }
    }

    /// Subscriptions changed: look again at once, whatever the last pass found.
    public func wake() {
        state.withLock { $0.listening = true }
        Task { await wakeSignal.signal() }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // A full batch means more may be waiting (a restart after a backlog).
                if await self.relayPending() == self.batchSize { continue }
                await self.wakeSignal.wait(timeout: self.safetyInterval)
            }
        }
    }

    /// One pass: queues deliveries for the journal's oldest entries. Returns how many entries it
    /// consumed. Tests drive this directly.
    @discardableResult
    public func relayPending() async -> Int {
        // Cleared before reading: a commit from here on wakes the next pass, and one before is read now.
        state.withLock { $0.signalled = false }
        do {
            let batch = try await webhooks.webhookJournal(limit: batchSize)
            state.withLock { $0.listening = batch.anyActive || !batch.entries.isEmpty }
            guard let last = batch.entries.last else { return 0 }
            let events = batch.entries.compactMap { entry in entry.event.map { relayed($0, journalID: entry.id) } }
            let queued = try await webhooks.queueWebhookDeliveries(events, through: last.id, consumed: batch.entries.count, at: clock.now())
            if queued > 0 { deliverer.wake() }
            return batch.entries.count
        } catch is CancellationError {
            return 0
        } catch {
            // The entries stay in the journal and the next pass takes them: nothing is lost.
            logger.error("webhook relay failed", metadata: ["error": "\(error)"])
            return 0
        }
    }

    private func relayed(_ event: DomainEvent, journalID: Int64) -> RelayedEvent {
        var isNote = false
        if case .messageCreated(let message, _) = event { isNote = message.direction == .note }
        let payload: String
        do {
            payload = String(decoding: try encode(event), as: UTF8.self)
        } catch {
            // JSON cannot hold everything a platform may send (a NaN coordinate): rather than
            // block the subscriber's queue behind it forever, send what identifies the event so
            // the receiver can read it through the API.
            logger.error("webhook event cannot be encoded; sending its ids only", metadata: ["type": "\(event.type)", "error": "\(error)"])
            payload = Self.fallbackPayload(event)
        }
        return RelayedEvent(journalID: journalID, type: event.type, isNote: isNote, payload: payload)
    }

    static func fallbackPayload(_ event: DomainEvent) -> String {
        var fields = [#""type":\#(JSONText.quoted(event.type))"#, #""conversationId":\#(event.conversationID.rawValue)"#]
        if case .messageCreated(let message, _) = event { fields.append(#""messageId":\#(message.id.rawValue)"#) }
        fields.append(#""error":"the event could not be encoded as JSON; read it with the agent API""#)
        return "{" + fields.joined(separator: ",") + "}"
    }
}
