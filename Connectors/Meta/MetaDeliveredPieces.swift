import ParleyCore

/// How many pieces of each long reply Meta has already accepted.
///
/// A reply longer than the channel's text limit goes out as several messages; when a later
/// piece meets a rate limit the whole delivery is retried, and without this the customer would
/// get the first pieces twice. It is an optimisation, not a guarantee: after a restart the
/// memory is gone and a retry starts from the first piece, which is the gateway's
/// at-least-once promise anyway.
public actor MetaDeliveredPieces {
    /// Deliveries retried forever must not grow this without bound.
    private static let capacity = 10_000
    private var delivered: [MessageID: (count: Int, lastID: String?)] = [:]
    private var order: [MessageID] = []

    public init() {}

    public func progress(for message: MessageID) -> (count: Int, lastID: String?) { delivered[message] ?? (0, nil) }

    public func record(_ count: Int, lastID: String?, for message: MessageID) {
        if delivered.updateValue((count, lastID), forKey: message) == nil {
            order.append(message)
            if order.count > Self.capacity { delivered[order.removeFirst()] = nil }
        }
    }

    public func forget(_ message: MessageID) {
        guard delivered.removeValue(forKey: message) != nil else { return }
        order.removeAll { $0 == message }
    }
}
