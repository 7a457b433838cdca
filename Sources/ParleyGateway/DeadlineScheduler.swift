import CoreMetrics
import Foundation
import Logging
import ParleyCore
import ParleyStore
import ServiceLifecycle
import Synchronization

/// Fires conversation timers (nudge, idle close, agent-reply escalation, offline fallback) from the `deadlines`
/// table. It sleeps until the earliest due row and is woken early when an event writes an
/// earlier one, so it costs nothing while nothing is due; the store marks and acts in one
/// transaction, so each deadline fires once whatever restarts in between.
public final class DeadlineScheduler: Service {
    private let deadlines: any DeadlineRepository
    private let channels: any ChannelRepository
    private let registry: ConnectorRegistry
    private let bus: EventBus
    private let dispatcher: Dispatcher
    private let pushBacks: PushBackDispatcher
    private let clock: any WallClock
    private let logger: Logger
    private let factory: any MetricsFactory
    private let wakeSignal = WakeSignal()
    /// When the loop plans to wake next; an earlier deadline must wake it.
    private let plannedWake = Mutex<Date?>(nil)
    /// How many due rows one transaction fires.
    private let batchSize = 256
    /// The longest sleep with nothing due: a safety net, not a poll.
    private let idleSleep: TimeInterval = 3600
    /// How long due rows that could not fire (their channel cannot be loaded) wait for another try.
    private let stuckRetry: TimeInterval

    init(
        deadlines: any DeadlineRepository, channels: any ChannelRepository, registry: ConnectorRegistry, bus: EventBus,
        dispatcher: Dispatcher, pushBacks: PushBackDispatcher, clock: any WallClock, factory: any MetricsFactory, logger: Logger,
        stuckRetry: TimeInterval = 1
    ) {
        self.pushBacks = pushBacks
        self.stuckRetry = stuckRetry
        self.deadlines = deadlines
        self.channels = channels
        self.registry = registry
        self.bus = bus
        self.dispatcher = dispatcher
        self.clock = clock
        self.factory = factory
        self.logger = logger
    }

    /// Tells the scheduler a deadline was written for `due`; wakes it when that is earlier than
    /// it planned to look again.
    public func note(_ due: Date) {
        let wakes = plannedWake.withLock { planned in
            guard let current = planned, current <= due else {
                planned = due
                return true
            }
            return false
        }
        if wakes { Task { await wakeSignal.signal() } }
    }

    public func run() async throws {
        await recomputeAll()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // Awake: any deadline noted from here on signals, so none written while this pass
                // reads the next due time is slept through.
                self.plannedWake.withLock { $0 = nil }
                let lookedAt = self.clock.now()
                if await self.fire(dueAt: lookedAt) > 0 { continue }
                let next = (try? await self.deadlines.nextDeadline()) ?? nil
                let now = self.clock.now()
                let wake = next ?? now.addingTimeInterval(self.idleSleep)
                self.plannedWake.withLock { planned in planned = min(planned ?? wake, wake) }
                let seconds: TimeInterval
                if wake > now {
                    seconds = wake.timeIntervalSince(now)
                } else if wake > lookedAt {
                    // It fell due after the pass looked: fire it now, not a second late.
                    continue
                } else {
                    // Due when the pass looked, yet not fired (its channel cannot be loaded):
                    // retried later rather than spun on.
                    seconds = self.stuckRetry
                }
                await self.wakeSignal.wait(timeout: .milliseconds(Int64((seconds * 1000).rounded(.up))))
            }
        }
    }

    /// The conversation's unfired timers, for the workbench's countdowns.
    public func deadlines(of conversation: ConversationID) async throws -> [DeadlineKind: Date] {
        try await deadlines.deadlines(of: conversation)
    }

    /// Recomputes every open conversation's timers from its channel's current settings: at start
    /// (settings may have changed while parleyd was stopped) and after a channel's settings change.
    public func recomputeAll() async {
        do {
            for channel in try await channels.channels() { await recompute(channel.id) }
        } catch {
            logger.error("cannot list channels to recompute deadlines", metadata: ["error": "\(error)"])
        }
    }

    public func recompute(_ channel: ChannelID) async {
        do {
            let connector = try await registry.connector(for: channel)
            _ = try await deadlines.recomputeDeadlines(channel: channel, settings: connector.policy.timers)
            if let next = try await deadlines.nextDeadline() { note(next) }
        } catch {
            logger.warning("deadlines of a channel not recomputed", metadata: ["channel": "\(channel)", "error": "\(error)"])
        }
    }

    /// One pass over what is due; returns how many deadlines fired. Tests drive this directly.
    @discardableResult
    public func fireDue() async -> Int {
        await fire(dueAt: clock.now())
    }

    /// Fires what is due at `now` (the time the pass looks).
    private func fire(dueAt now: Date) async -> Int {
        let fired: FiredDeadlines
        do {
            let due = try await deadlines.dueDeadlines(now: now, limit: batchSize)
            if due.isEmpty { return 0 }
            var policies: [ChannelID: ChannelPolicy] = [:]
            for channel in Set(due.map(\.channelID)) {
                policies[channel] = try? await registry.connector(for: channel).policy
            }
            fired = try await deadlines.fire(due, now: now, policies: policies)
            for deadline in due where policies[deadline.channelID] != nil {
                let lateness = now.timeIntervalSince(deadline.dueAt)
                Timer(label: "parley_deadline_lateness_seconds", dimensions: [("kind", deadline.kind.rawValue)], factory: factory)
                    .recordNanoseconds(Int64(max(0, lateness) * 1e9))
            }
        } catch {
            logger.error("deadlines not fired", metadata: ["error": "\(error)"])
            return 0
        }
        Counter(label: "parley_deadlines_fired_total", factory: factory).increment(by: fired.count)
        for conversation in fired.escalated {
            Counter(label: "parley_escalations_total", factory: factory).increment()
            logger.notice("customer waited past agentReplyTimeout: conversation escalated", metadata: ["conversation": "\(conversation)"])
        }
        bus.publish(fired.events)
        if fired.queuedSends { dispatcher.wake() }
        if fired.queuedPushBacks { pushBacks.wake() }
        return fired.count
    }
}
