import NIOCore

/// One connection's requests to one platform's webhook, built once from everything that never changes
/// for the connection (channel, sender, secrets, timestamps); `write` adds what each message changes
/// (its sequence number and id) and signs the result, as the platform would. That per-request work
/// happens before the request's clock starts.
protocol WebhookRequestTemplate {
    /// Writes the complete request for the connection's message `seq` (1, 2, …), whose platform ids
    /// are derived from `messageID` (a `BenchMessageID`).
    mutating func write(seq: UInt64, messageID: UInt64, into buffer: inout ByteBuffer)
}

/// A platform's JSON document for one message, all of it fixed per connection but the message's
/// numbers. Every connection is one sender; every message a text `bench message <seq>`.
protocol WebhookBody {
    func write(seq: UInt64, messageID: UInt64, into buffer: inout ByteBuffer)
}
