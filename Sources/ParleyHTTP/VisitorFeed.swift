import ParleyCore
import ParleyGateway

/// Sends one visitor socket its thread in id order, each message once. Every change is answered
/// by re-reading the store after the last id sent, never by forwarding the event itself: two
/// replies may publish their events out of order, but SQLite commits them in id order, so a
/// read after the cursor always returns a gap-free, ordered tail.
actor VisitorFeed {
    private let gateway: Gateway
    private let channelID: ChannelID
    private let visitorID: String
    private let send: @Sendable (Message) async throws -> Void
    private var cursor: MessageID?
    /// The actor is re-entrant at every `await`: these two flags keep one catch-up loop running
    /// at a time, and make it run once more when a change arrives meanwhile.
    private var running = false
    private var changedWhileRunning = false

    init(gateway: Gateway, channelID: ChannelID, visitorID: String, send: @escaping @Sendable (Message) async throws -> Void) {
        self.gateway = gateway
        self.channelID = channelID
        self.visitorID = visitorID
        self.send = send
    }

    /// Starts (or restarts) the feed after the last id the visitor has.
    func resume(after id: MessageID) async throws {
        cursor = id
        try await catchUp()
    }

    /// Sends whatever is newer than the cursor. Before the visitor's `resume`, nothing is sent.
    func catchUp() async throws {
        guard cursor != nil else { return }
        if running {
            changedWhileRunning = true
            return
        }
        running = true
        defer { running = false }
        repeat {
            changedWhileRunning = false
            guard let after = cursor else { return }
            let messages = try await gateway.visitorMessages(channelID: channelID, visitorID: visitorID, after: after)
            for message in messages {
                try await send(message)
                cursor = message.id
                // The frame is out: record it even when the visitor closes the socket right away and
                // this task is cancelled, which would otherwise abandon the write.
                let gateway = gateway
                await Task { await gateway.markDelivered(message) }.value
            }
        } while changedWhileRunning
    }
}
