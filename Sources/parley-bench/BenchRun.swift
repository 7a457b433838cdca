/// This run's random number, from which every sender and message id it sends is derived, so two runs
/// against one database never collide (the server would drop the second as a redelivery, and the bench
/// would be measuring deduplication instead of storage).
struct BenchRun: Sendable {
    let number: UInt32

    static func random() -> BenchRun {
        BenchRun(number: UInt32.random(in: .min ... .max))
    }

    /// `number` as 8 lowercase hex digits: web-chat clientIds, WeChat and LINE senders.
    var id: String {
        let hex = String(number, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// For platforms that name senders by digits (Telegram chat ids, phone numbers, PSIDs): unique per
    /// run and connection (`--connections` is at most 10 000) and at most 14 digits long.
    func senderNumber(connection: Int) -> UInt64 {
        UInt64(number) * 10_000 + UInt64(connection)
    }

    /// `senderNumber` as exactly `width` (at least 14) decimal digits: phone numbers, PSIDs.
    func senderDigits(connection: Int, width: Int) -> String {
        let digits = String(senderNumber(connection: connection))
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The run's share of every `BenchMessageID`.
    var messageIDBase: UInt64 { BenchMessageID.base(runNumber: number) }
}

/// Message ids for webhook phases (WeChat MsgId, Telegram update_id, wamid, mid, LINE event and message
/// ids, Twilio MessageSid). The server deduplicates on (channel, id), so they must differ between runs,
/// phases, connections and messages, and stay a positive 63-bit integer like WeChat's MsgId:
///
///     0 | run (26 bits) | (seq - 1) × connections + connection (34 bits) | phase tag (3 bits)
///
/// The run bits come from the random run number, so two runs against one database collide only if
/// they agree in those bits (about 1 in 67 million). The interleaved counter is unique within a phase
/// and would take 1.7·10¹⁰ messages, far beyond any `--duration`, to wrap; its last value is kept for
/// the forgery probe (`ServerSetup.checkRefusesForgery`), which no phase reaches.
enum BenchMessageID {
    static let runBits = 26
    static let counterBits = 34
    static let tagBits = 3
    private static let counterMask: UInt64 = (1 << UInt64(counterBits)) - 1

    static func base(runNumber: UInt32) -> UInt64 {
        (UInt64(runNumber) & ((1 << UInt64(runBits)) - 1)) << UInt64(counterBits + tagBits)
    }

    static func make(base: UInt64, tag: UInt64, connection: Int, connections: Int, seq: UInt64) -> UInt64 {
        let counter = (seq &- 1) &* UInt64(connections) &+ UInt64(connection)
        return compose(base: base, tag: tag, counter: counter & counterMask)
    }

    /// The id of the probe that must be refused: never sent by a phase, so it cannot be a duplicate.
    static func probe(base: UInt64, tag: UInt64) -> UInt64 {
        compose(base: base, tag: tag, counter: counterMask)
    }

    private static func compose(base: UInt64, tag: UInt64, counter: UInt64) -> UInt64 {
        base | (counter << UInt64(tagBits)) | (tag & ((1 << UInt64(tagBits)) - 1))
    }
}
