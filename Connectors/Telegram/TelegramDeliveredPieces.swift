import ParleyCore

/// How many pieces of each long reply Telegram has already accepted.
///
/// A 9,000-character reply goes out as three messages; when the second meets a flood limit
/// (429) the whole delivery is retried later, and without this the customer would get the
/// first piece twice. It is an optimisation, not a guarantee: after a restart the memory is
/// gone and a retry starts from the first piece again, which is the gateway's at-least-once
/// promise anyway.
actor TelegramDeliveredPieces {
    /// Deliveries that are retried forever and never finish must not grow this without bound.
    private static let capacity = 10_000
    private var delivered: [MessageID: Int] = [:]
    private var order: [MessageID] = []

    func count(for message: MessageID) -> Int { delivered[message] ?? 0 }

    func record(_ count: Int, for message: MessageID) {
        if delivered.updateValue(count, forKey: message) == nil {
            order.append(message)
            if order.count > Self.capacity { delivered[order.removeFirst()] = nil }
        }
    }

    func forget(_ message: MessageID) {
        guard delivered.removeValue(forKey: message) != nil else { return }
        order.removeAll { $0 == message }
    }
}
