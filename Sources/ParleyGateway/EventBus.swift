import ParleyCore

/// In-process fan-out of committed domain events to every live subscriber (agent streams,
/// visitor sockets). Each subscriber gets its own bounded buffer, so one slow socket can only
/// lose its own oldest events, never slow the ingest path.
public actor EventBus {
    private var subscribers: [Int: AsyncStream<DomainEvent>.Continuation] = [:]
    private var nextID = 0
    private var closed = false
    private let bufferSize: Int

    public init(bufferSize: Int = 4_096) {
        self.bufferSize = bufferSize
    }

    /// A stream of every event published from now on; it ends when the caller stops iterating.
    public func subscribe() -> AsyncStream<DomainEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: DomainEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        guard !closed else {
            continuation.finish()
            return stream
        }
        let id = nextID
        nextID += 1
        subscribers[id] = continuation
        continuation.onTermination = { _ in
            Task { await self.remove(id) }
        }
        return stream
    }

    public func publish(_ events: [DomainEvent]) {
        guard !events.isEmpty else { return }
        for continuation in subscribers.values {
            for event in events { continuation.yield(event) }
        }
    }

    public var subscriberCount: Int { subscribers.count }

    /// Ends every stream and refuses new ones (graceful shutdown), so open sockets close.
    public func finishAll() {
        closed = true
        for continuation in subscribers.values { continuation.finish() }
        subscribers.removeAll()
    }

    private func remove(_ id: Int) {
        subscribers[id] = nil
    }
}
