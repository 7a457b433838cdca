import ParleyCore
import Synchronization

/// In-process fan-out of committed domain events to every live subscriber (agent streams,
/// visitor sockets). Each subscriber gets its own bounded buffer, so one slow socket can only
/// lose its own oldest events, never slow the ingest path.
///
/// Publishing is synchronous so the ingest writer can publish each batch, in commit order,
/// without waiting for a turn on Swift's cooperative pool; the `Mutex`
/// guards only the subscriber table and is never held across a suspension.
public final class EventBus: Sendable {
    private struct Subscriber {
        var continuation: AsyncStream<DomainEvent>.Continuation
        var wants: @Sendable (DomainEvent) -> Bool
    }

    private struct Subscribers {
        var streams: [Int: Subscriber] = [:]
        var observers: [@Sendable () -> Void] = []
        var nextID = 0
        var closed = false
    }

    private let subscribers = Mutex(Subscribers())
    private let bufferSize: Int

    public init(bufferSize: Int = 4_096) {
        self.bufferSize = bufferSize
    }

    /// A stream of the events published from now on that `wants` accepts; it ends when the
    /// caller stops iterating. `wants` runs on the publisher's thread for every event, so it must
    /// be quick; it spares the subscriber a wake-up for each event it would only pass over, which
    /// for a visitor's socket is nearly all of them.
    public func subscribe(where wants: @escaping @Sendable (DomainEvent) -> Bool = { _ in true }) -> AsyncStream<DomainEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: DomainEvent.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id: Int? = subscribers.withLock { state in
            guard !state.closed else { return nil }
            defer { state.nextID += 1 }
            state.streams[state.nextID] = Subscriber(continuation: continuation, wants: wants)
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.streams.removeValue(forKey: id) }
        }
        return stream
    }

    /// Calls `observer` after each publish, without the events: for a reader that only needs to
    /// know that something committed and reads the store itself (the webhook relay). It runs on
    /// the publisher's thread, the ingest writer's included, so it must return at once. It is not
    /// a subscriber and is not counted in `subscriberCount`.
    public func onPublish(_ observer: @escaping @Sendable () -> Void) {
        subscribers.withLock { $0.observers.append(observer) }
    }

    public func publish(_ events: [DomainEvent]) {
        guard !events.isEmpty else { return }
        let (streams, observers) = subscribers.withLock { (Array($0.streams.values), $0.observers) }
        for subscriber in streams {
            for event in events where subscriber.wants(event) { subscriber.continuation.yield(event) }
        }
        for observer in observers { observer() }
    }

    public var subscriberCount: Int { subscribers.withLock { $0.streams.count } }

    /// Ends every stream and refuses new ones (graceful shutdown), so open sockets close.
    public func finishAll() {
        let open = subscribers.withLock { state in
            state.closed = true
            defer { state.streams.removeAll() }
            return Array(state.streams.values)
        }
        for subscriber in open { subscriber.continuation.finish() }
    }
}
