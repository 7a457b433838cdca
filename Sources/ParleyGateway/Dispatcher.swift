import Foundation
import Logging
import ParleyCore
import ParleyStore
import ServiceLifecycle
import Synchronization

/// Drains the outbox through the connectors: every accepted reply is sent, retried with
/// backoff while the platform is failing, handed on to the contact's other channels when its
/// own refuses it for good, or dead-lettered with the reason the agent sees.
/// One conversation's replies leave in order because the store only ever hands out a
/// conversation's oldest unfinished row.
public final class Dispatcher: Service {
    private let outbox: any OutboxRepository
    private let registry: ConnectorRegistry
    private let transport: any HTTPTransport
    private let bus: EventBus
    private let visitors: VisitorPresence
    private let clock: any WallClock
    private let retry: RetryPolicy
    private let metrics: GatewayMetrics
    private let logger: Logger
    private let wakeSignal = WakeSignal()
    private let limiter = SendRateLimiter()
    /// Tells the deadline scheduler about an offline fallback this dispatcher armed. Set once at
    /// assembly: the scheduler is built after the dispatcher, which it wakes in turn.
    private let deadlineWritten = Mutex<(@Sendable (Date) -> Void)?>(nil)
    /// Wakes the push-back dispatcher when a refused reply was handed on (set once at assembly).
    private let handedOn = Mutex<(@Sendable () -> Void)?>(nil)
    private let batchSize: Int
    /// How long a claimed row stays ours before another pass may take it again (a crashed send).
    private let lease: TimeInterval = 120
    private let longestSleep: Duration = .seconds(30)

    public init(
        outbox: any OutboxRepository, registry: ConnectorRegistry, transport: any HTTPTransport, bus: EventBus,
        visitors: VisitorPresence, clock: any WallClock, retry: RetryPolicy, metrics: GatewayMetrics, logger: Logger, batchSize: Int = 64
    ) {
        self.outbox = outbox
        self.registry = registry
        self.transport = transport
        self.bus = bus
        self.visitors = visitors
        self.clock = clock
        self.retry = retry
        self.metrics = metrics
        self.logger = logger
        self.batchSize = batchSize
    }

    /// Where an armed offline-fallback deadline is announced (the scheduler's `note`).
    public func onDeadlineWritten(_ note: @escaping @Sendable (Date) -> Void) {
        deadlineWritten.withLock { $0 = note }
    }

    /// Where a reply handed on to the contact's other channels is announced (the push-back
    /// dispatcher's `wake`).
    public func onHandedOn(_ wake: @escaping @Sendable () -> Void) {
        handedOn.withLock { $0 = wake }
    }

    /// Tells a sleeping dispatcher that a new row is waiting.
    public func wake() {
        Task { await wakeSignal.signal() }
    }

    public func run() async throws {
        // A single node owns every row: whatever a previous process claimed and never finished
        // goes straight back in line instead of waiting for its lease to run out.
        try await outbox.releaseClaims()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let sent = await self.drainDue()
                if sent > 0 { continue }
                let next = try? await self.outbox.nextDueDate()
                await self.wakeSignal.wait(until: next ?? nil, now: self.clock.now(), longest: self.longestSleep)
            }
        }
    }

    /// One pass: claims what is due now and sends it. Returns how many rows it handled.
    /// Tests drive this directly with a settable clock.
    @discardableResult
    public func drainDue() async -> Int {
        let items: [OutboxItem]
        do {
            items = try await outbox.claimDue(now: clock.now(), limit: batchSize, lease: lease)
        } catch is CancellationError {
            return 0  // shutting down
        } catch {
            logger.error("outbox claim failed", metadata: ["error": "\(error)"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for item in items {
                group.addTask { await self.deliver(item) }
            }
        }
        return items.count
    }

    public static let optedOutReason = "the customer opted out of messages on this channel (replied STOP); they must opt back in (START) first"

    private func deliver(_ item: OutboxItem) async {
        if item.delivery.recipientOptedOut {
            await record(.failed(reason: Self.optedOutReason), for: item)
            return
        }
        let outcome: SendOutcome
        do {
            let connector = try await registry.connector(for: item.channelID)
            let wait = await limiter.reserve(
                channel: item.channelID, chat: item.delivery.recipient, policy: connector.policy, now: clock.now()
            )
            if wait > 0 {
                await postpone(item, by: wait)
                return
            }
            outcome = await connector.send(item.delivery, transport: transport)
            if let visitorChannel = connector as? any VisitorChannelConnector, case .sent(let id, _) = outcome {
                // A web visitor reads it now, or when they come back; if they stay away, the
                // offline fallback pushes it to them by another route.
                if await visitors.isConnected(channel: item.channelID, visitor: item.delivery.recipient) {
                    await record(.sent(platformMessageID: id, via: .liveSocket), for: item)
                } else {
                    let after = visitorChannel.offlineFallbackAfter
                    await record(.sent(platformMessageID: id, via: .heldForReturn), for: item, pushBackAt: after > 0 ? clock.now().addingTimeInterval(after) : nil)
                }
                return
            }
        } catch GatewayError.channelNotFound {
            outcome = .failed(reason: "the channel \(item.channelID) is no longer configured")
        } catch {
            outcome = .retryLater(reason: String(describing: error), after: nil)
        }
        await record(outcome, for: item)
    }

    private func postpone(_ item: OutboxItem, by wait: TimeInterval) async {
        do {
            try await outbox.postpone(item, until: clock.now().addingTimeInterval(wait), now: clock.now())
            metrics.outboundThrottled.increment()
        } catch {
            // The row keeps its lease and is claimed again after it runs out: nothing is lost.
            logger.error("cannot postpone a throttled send", metadata: ["message": "\(item.delivery.messageID)", "error": "\(error)"])
        }
    }

    private func record(_ outcome: SendOutcome, for item: OutboxItem, pushBackAt: Date? = nil) async {
        let now = clock.now()
        let metadata: Logger.Metadata = ["message": "\(item.delivery.messageID)", "channel": "\(item.channelID)"]
        do {
            switch outcome {
            case .sent(let platformMessageID, let route):
                let message = try await outbox.markSent(item, platformMessageID: platformMessageID, via: route, at: now, pushBackAt: pushBackAt)
                metrics.outboundSent.increment()
                bus.publish([.messageUpdated(message)])
                if let pushBackAt { deadlineWritten.withLock { $0 }?(pushBackAt) }
            case .retryLater(let reason, let retryAfter):
                let attemptsMade = item.attempts + 1
                if let delay = retry.delay(afterAttempts: attemptsMade, retryAfter: retryAfter) {
                    try await outbox.scheduleRetry(item, at: now.addingTimeInterval(delay), error: reason, now: now)
                    metrics.outboundRetried.increment()
                    logger.warning("send failed, will retry", metadata: metadata.merging(["reason": "\(reason)", "in": "\(delay)s"]) { $1 })
                } else {
                    try await refuse(item, reason: "gave up after \(attemptsMade) attempts: \(reason)", at: now)
                }
            case .failed(let reason):
                try await refuse(item, reason: reason, at: now)
            }
        } catch {
            // The row keeps its lease and is retried after it runs out: nothing is lost.
            logger.error("cannot record send outcome", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    /// A reply the channel will not take: handed on to the contact's other channels when they
    /// have one, else dead-lettered.
    private func refuse(_ item: OutboxItem, reason: String, at time: Date) async throws {
        let metadata: Logger.Metadata = ["message": "\(item.delivery.messageID)", "reason": "\(reason)"]
        switch try await outbox.refuse(item, reason: reason, at: time) {
        case .deadLettered(let message):
            metrics.outboundDeadLettered.increment()
            logger.error("send failed permanently", metadata: metadata)
            bus.publish([.messageUpdated(message)])
        case .handedOn(let message):
            metrics.outboundHandedOn.increment()
            logger.notice("channel refused the reply; handing it on to the contact's other channels", metadata: metadata)
            bus.publish([.messageUpdated(message)])
            handedOn.withLock { $0 }?()
        }
    }
}
