import Dispatch
import Logging
import ParleyCore
import ParleyStore
import Synchronization

/// Group commit for inbound messages: concurrent webhooks queue here, and whatever has queued
/// while the previous transaction was committing goes into the next one. Every caller is
/// answered only after the transaction holding its messages is durable, so acknowledgements
/// never get ahead of the disk, while one fsync is shared by many requests.
///
/// The commits run back to back on one dedicated queue. Driven from an actor, each commit had
/// to wait for a cooperative-pool thread between transactions, and under load those threads are
/// busy parsing requests: the writer, which bounds ingest throughput, sat idle in between. The
/// `Mutex` guards only the waiting list and is never held across a suspension or a commit.
public final class IngestPipeline: Sendable {
    private struct Waiter {
        var items: [IngestItem]
        var continuation: CheckedContinuation<[Result<IngestResult, StoreError>], Never>
    }

    private struct Queue {
        var waiting: [Waiter] = []
        var draining = false
    }

    private let store: any ConversationRepository
    private let bus: EventBus
    private let metrics: GatewayMetrics
    private let logger: Logger
    private let maxBatch: Int
    private let queue = Mutex(Queue())
    private let writer = DispatchQueue(label: "parley.ingest.writer")

    public init(store: any ConversationRepository, bus: EventBus, metrics: GatewayMetrics, logger: Logger, maxBatch: Int = 1_024) {
        self.store = store
        self.bus = bus
        self.metrics = metrics
        self.logger = logger
        self.maxBatch = maxBatch
    }

    /// Stores the items (one webhook's events) and returns once they are committed.
    public func ingest(_ items: [IngestItem]) async -> [Result<IngestResult, StoreError>] {
        guard !items.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            let startWriter = queue.withLock { queue in
                queue.waiting.append(Waiter(items: items, continuation: continuation))
                defer { queue.draining = true }
                return !queue.draining
            }
            if startWriter { writer.async { self.drain() } }
        }
    }

    private func drain() {
        while let batch = nextBatch() { commit(batch) }
    }

    /// The oldest waiters, up to `maxBatch` messages (at least one waiter); `nil`, and the writer
    /// marked idle, when nobody waits.
    private func nextBatch() -> [Waiter]? {
        queue.withLock { queue in
            guard !queue.waiting.isEmpty else {
                queue.draining = false
                return nil
            }
            var taken = 0
            var count = 0
            while taken < queue.waiting.count, taken == 0 || count + queue.waiting[taken].items.count <= maxBatch {
                count += queue.waiting[taken].items.count
                taken += 1
            }
            defer { queue.waiting.removeFirst(taken) }
            return Array(queue.waiting.prefix(taken))
        }
    }

    private func commit(_ batch: [Waiter]) {
        let items = batch.flatMap(\.items)
        let results: [Result<IngestResult, StoreError>]
        do {
            results = try store.ingestBlocking(items)
        } catch {
            logger.error("ingest transaction failed", metadata: ["error": "\(error)", "messages": "\(items.count)"])
            results = Array(repeating: .failure(.database(String(describing: error))), count: items.count)
        }
        announce(batch, results)
    }

    /// Publishes the batch's events and answers its callers, on the writer, in commit order.
    /// Handing this to a queue of its own, so the writer could start the next transaction
    /// sooner, measured 7 % slower once every commit waits for its fsync: the extra thread
    /// wake-up per batch cost more than the resumptions it moved off the writer.
    private func announce(_ batch: [Waiter], _ results: [Result<IngestResult, StoreError>]) {
        metrics.ingestBatches.increment()
        var events: [DomainEvent] = []
        var stored = 0, duplicates = 0, failed = 0
        for result in results {
            switch result {
            case .success(let ingested):
                events.append(contentsOf: ingested.events)
                if ingested.receipt.duplicate { duplicates += 1 } else { stored += 1 }
            case .failure:
                failed += 1
            }
        }
        for (counter, count) in [(metrics.ingestStored, stored), (metrics.ingestDuplicates, duplicates), (metrics.ingestFailed, failed)] where count > 0 {
            counter.increment(by: count)
        }
        bus.publish(events)
        var offset = 0
        for waiter in batch {
            waiter.continuation.resume(returning: Array(results[offset..<offset + waiter.items.count]))
            offset += waiter.items.count
        }
    }
}
