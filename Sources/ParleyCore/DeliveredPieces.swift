/// How many pieces of each long reply a platform has already accepted, and the platform id the
/// reply will be known by (its first or last piece's, as the connector chooses).
///
/// A reply longer than the channel's text limit goes out as several platform messages; when a
/// later piece meets a rate limit the whole delivery is retried, and without this the customer
/// would get the first pieces twice. It is an optimisation, not a guarantee: after a restart the
/// memory is gone and a retry starts from the first piece, which is the outbox's at-least-once
/// promise anyway. Connectors keep one per channel; it holds no state the gateway relies on.
public actor DeliveredPieces {
    public struct Progress: Sendable, Equatable {
        public var count: Int
        public var platformID: String?
    }

    /// Deliveries retried forever must not grow this without bound.
    private static let capacity = 10_000
    private var delivered: [MessageID: Progress] = [:]
    private var order: [MessageID] = []

    public init() {}

    public func progress(for message: MessageID) -> Progress {
        delivered[message] ?? Progress(count: 0, platformID: nil)
    }

    public func record(_ count: Int, platformID: String?, for message: MessageID) {
        if delivered.updateValue(Progress(count: count, platformID: platformID), forKey: message) == nil {
            order.append(message)
            if order.count > Self.capacity { delivered[order.removeFirst()] = nil }
        }
    }

    public func forget(_ message: MessageID) {
        guard delivered.removeValue(forKey: message) != nil else { return }
        order.removeAll { $0 == message }
    }
}
