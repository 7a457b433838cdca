import Foundation
import Logging
import ParleyCore
import ParleyStore

/// Group commit for inbound messages: concurrent webhooks queue here, and whatever has queued
/// while the previous transaction was committing goes into the next one. Every caller is
/// answered only after the transaction holding its messages is durable, so acknowledgements
/// never get ahead of the disk, while one fsync is shared by many requests.
public actor IngestPipeline {
    private struct Waiter {
        var items: [IngestItem]
        var continuation: CheckedContinuation<[Result<IngestResult, StoreError>], Never>
    }

    private let store: any ConversationRepository
    private let bus: EventBus
    private let metrics: GatewayMetrics
    private let logger: Logger
    private let maxBatch: Int
    private var waiting: [Waiter] = []
    private var committing = false

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
            waiting.append(Waiter(items: items, continuation: continuation))
            if !committing {
                committing = true
                Task { await self.commitLoop() }
            }
        }
    }

    private func commitLoop() async {
        while !waiting.isEmpty {
            var batch: [Waiter] = []
            var count = 0
            while let next = waiting.first, batch.isEmpty || count + next.items.count <= maxBatch {
                batch.append(waiting.removeFirst())
                count += next.items.count
            }
            let items = batch.flatMap(\.items)
            let results: [Result<IngestResult, StoreError>]
            do {
                results = try await store.ingest(items)
            } catch {
                logger.error("ingest transaction failed", metadata: ["error": "\(error)", "messages": "\(items.count)"])
                results = Array(repeating: .failure(.database(String(describing: error))), count: items.count)
            }
            metrics.ingestBatches.increment()
            var events: [DomainEvent] = []
            for result in results {
                switch result {
                case .success(let stored):
                    events.append(contentsOf: stored.events)
                    (stored.receipt.duplicate ? metrics.ingestDuplicates : metrics.ingestStored).increment()
                case .failure:
                    metrics.ingestFailed.increment()
                }
            }
            await bus.publish(events)
            var offset = 0
            for waiter in batch {
                waiter.continuation.resume(returning: Array(results[offset..<offset + waiter.items.count]))
                offset += waiter.items.count
            }
        }
        committing = false
    }
}
