import ParleyCore

/// How many pieces of each long reply Twilio has already accepted, and the SID of the first.
///
/// A 3,500-character reply goes out as three messages; when the second meets a rate limit (429)
/// the whole delivery is retried later, and without this the customer would get the first piece
/// twice. It is an optimisation, not a guarantee: after a restart the memory is gone and a retry
/// starts from the first piece again, which is the gateway's at-least-once promise anyway.
actor SMSDeliveredPieces {
    /// Deliveries retried forever must not grow this without bound.
    private static let capacity = 10_000
    private var delivered: [MessageID: (count: Int, firstSid: String?)] = [:]
    private var order: [MessageID] = []

    func progress(for message: MessageID) -> (count: Int, firstSid: String?) { delivered[message] ?? (0, nil) }

    func record(_ count: Int, firstSid: String?, for message: MessageID) {
        if delivered.updateValue((count, firstSid), forKey: message) == nil {
            order.append(message)
            if order.count > Self.capacity { delivered[order.removeFirst()] = nil }
        }
    }

    func forget(_ message: MessageID) {
        guard delivered.removeValue(forKey: message) != nil else { return }
        order.removeAll { $0 == message }
    }
}
