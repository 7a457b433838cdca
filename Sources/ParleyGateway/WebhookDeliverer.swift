import CoreMetrics
import Foundation
import Logging
import ParleyCore
import ParleyStore
import ServiceLifecycle
import Synchronization

/// Drains the webhook delivery queue: POSTs each event, signed, to its subscriber.
///
/// A subscription has at most one delivery in flight and always its oldest (the store only hands
/// out a subscription's head), so a subscriber sees its events in commit order and one that fails
/// holds back only its own queue. 2xx is delivered; anything else, a timeout or a refused
/// connection is retried with exponential backoff up to the policy's longest delay, then at that
/// delay for as long as it takes: a delivery is never dropped. `X-Parley-Delivery` stays the same
/// on every attempt, so a receiver that saw an attempt succeed without us learning it (a crash, a
/// lost answer) can drop the repeat.
public final class WebhookDeliverer: Service {
    private let webhooks: any WebhookRepository
    private let vault: CredentialVault
    private let transport: any HTTPTransport
    private let clock: any WallClock
    /// The gateway's policy with no last attempt.
    private let retry: RetryPolicy
    /// Attempts of one delivery after which the subscription is reported failing (and logged once).
    private let failingAfter: Int
    private let logger: Logger
    private let delivered: Counter
    private let retried: Counter
    private let wakeSignal = WakeSignal()
    /// Deliveries in flight in `run`, each to a different subscription.
    private let inFlight = Mutex(0)
    private let maximumInFlight = 32
    /// Longer than a request may take, so a live attempt's claim never runs out under it.
    private let lease: TimeInterval = 60
    private let longestSleep: Duration = .seconds(30)
    /// How long a subscriber has to answer.
    public static let requestTimeout: TimeInterval = 10

    init(
        webhooks: any WebhookRepository, vault: CredentialVault, transport: any HTTPTransport, clock: any WallClock, retry: RetryPolicy,
        factory: any MetricsFactory, logger: Logger
    ) {
        self.webhooks = webhooks
        self.vault = vault
        self.transport = transport
        self.clock = clock
        var forever = retry
        forever.maximumAttempts = .max
        self.retry = forever
        failingAfter = retry.maximumAttempts
        self.logger = logger
        delivered = Counter(label: "parley_webhook_deliveries_total", dimensions: [("result", "delivered")], factory: factory)
        retried = Counter(label: "parley_webhook_deliveries_total", dimensions: [("result", "retry")], factory: factory)
    }

    /// Tells a sleeping deliverer that deliveries were queued or a subscription came back on.
    public func wake() {
        Task { await wakeSignal.signal() }
    }

    public func run() async throws {
        // A single node owns every row: what a previous process had in flight goes back in line.
        try await webhooks.releaseWebhookClaims()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                while !Task.isCancelled {
                    let room = self.maximumInFlight - self.inFlight.withLock { $0 }
                    guard room > 0 else {
                        await self.wakeSignal.wait(timeout: self.longestSleep)
                        continue
                    }
                    let jobs = await self.claim(limit: room)
                    for job in jobs {
                        self.inFlight.withLock { $0 += 1 }
                        group.addTask {
                            await self.deliver(job)
                            self.inFlight.withLock { $0 -= 1 }
                            // The subscription's next delivery may be due now.
                            await self.wakeSignal.signal()
                        }
                    }
                    if !jobs.isEmpty { continue }
                    let next = try? await self.webhooks.nextWebhookDeliveryDue()
                    await self.wakeSignal.wait(until: next ?? nil, now: self.clock.now(), longest: self.longestSleep)
                }
            }
        }
    }

    /// One pass that waits for its attempts: claims each subscription's due head and tries it.
    /// Returns how many it tried. Tests drive this directly with a settable clock.
    @discardableResult
    public func deliverDue() async -> Int {
        let jobs = await claim(limit: maximumInFlight)
        await withTaskGroup(of: Void.self) { group in
            for job in jobs { group.addTask { await self.deliver(job) } }
        }
        return jobs.count
    }

    /// The request one attempt sends, signed at `timestamp` (unix seconds).
    public static func request(for job: WebhookDeliveryJob, secret: String, timestamp: Int) -> TransportRequest {
        let body = Array(job.payload.utf8)
        return TransportRequest(
            method: "POST", url: job.url,
            headers: [
                "Content-Type": "application/json",
                "User-Agent": "Parley-Webhooks/1",
                "X-Parley-Event": job.eventType,
                "X-Parley-Delivery": String(job.id),
                "X-Parley-Timestamp": String(timestamp),
                "X-Parley-Signature": WebhookSignature.header(secret: secret, timestamp: timestamp, body: body),
            ],
            body: body, timeout: requestTimeout
        )
    }

    private func claim(limit: Int) async -> [WebhookDeliveryJob] {
        do {
            return try await webhooks.claimDueWebhookDeliveries(now: clock.now(), limit: limit, lease: lease)
        } catch is CancellationError {
            return []
        } catch {
            logger.error("webhook claim failed", metadata: ["error": "\(error)"])
            return []
        }
    }

    private func deliver(_ job: WebhookDeliveryJob) async {
        let failure: (status: Int?, reason: String, retryAfter: TimeInterval?)
        do {
            guard let secret = try vault.open(job.sealedSecret)["secret"] else { throw CredentialVault.VaultError.cannotOpen }
            let response = try await transport.execute(Self.request(for: job, secret: secret, timestamp: Int(clock.now().timeIntervalSince1970)))
            if (200..<300).contains(response.status) {
                await record { try await self.webhooks.completeWebhookDelivery(job, status: response.status, at: self.clock.now()) }
                delivered.increment()
                return
            }
            failure = (response.status, Self.reason(response), response.header("Retry-After").flatMap(TimeInterval.init))
        } catch let error as CredentialVault.VaultError {
            failure = (nil, "the subscription's secret cannot be opened: \(error)", nil)
        } catch {
            // Shutting down: the claim is released at the next start and the attempt made again.
            if Task.isCancelled { return }
            failure = (nil, "\(error)", nil)
        }
        let attemptsMade = job.attempts + 1
        let delay = retry.delay(afterAttempts: attemptsMade, retryAfter: failure.retryAfter) ?? retry.maximumDelay
        let now = clock.now()
        await record {
            try await self.webhooks.retryWebhookDelivery(job, status: failure.status, error: failure.reason, at: now.addingTimeInterval(delay), now: now)
        }
        retried.increment()
        let metadata: Logger.Metadata = [
            "webhook": "\(job.subscriptionID)", "delivery": "\(job.id)", "event": "\(job.eventType)",
            "host": "\(URL(string: job.url)?.host ?? job.url)", "error": "\(failure.reason)", "attempt": "\(attemptsMade)",
            "retryIn": "\(Int(delay.rounded()))s",
        ]
        if attemptsMade == failingAfter {
            logger.error("webhook subscription is failing; its deliveries wait and keep being retried", metadata: metadata)
        } else {
            logger.warning("webhook delivery failed, will retry", metadata: metadata)
        }
    }

    /// Stores an attempt's outcome. If that fails, the claim runs out and the attempt is made
    /// again: the receiver may see the delivery twice (same `X-Parley-Delivery`), never zero times.
    private func record(_ write: @Sendable () async throws -> Void) async {
        do {
            try await write()
        } catch {
            logger.error("cannot record a webhook attempt", metadata: ["error": "\(error)"])
        }
    }

    /// What a refusal looked like: the status, and the start of the body the receiver explained it in.
    static func reason(_ response: TransportResponse) -> String {
        if (300..<400).contains(response.status) {
            let location = response.header("Location").map { " to \($0)" } ?? ""
            return "HTTP \(response.status): redirects\(location) are not followed; subscribe the final URL"
        }
        let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            .components(separatedBy: .newlines).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "HTTP \(response.status)" : "HTTP \(response.status): \(text)"
    }
}
