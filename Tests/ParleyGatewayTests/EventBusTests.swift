import ParleyCore
import ParleyGateway
import ParleyTesting
import Testing

@Suite("Event bus")
struct EventBusTests {
    private func collect(_ stream: AsyncStream<DomainEvent>) async -> [DomainEvent] {
        var events: [DomainEvent] = []
        for await event in stream { events.append(event) }
        return events
    }

    /// A subscriber that asked for one customer's messages receives those and nothing else, while
    /// an unfiltered one still sees everything, in commit order.
    @Test func aSubscriberReceivesOnlyWhatItAskedFor() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let bus = harness.gateway.bus
        let everything = bus.subscribe()
        let alices = bus.subscribe { event in
            guard case .messageCreated(_, let conversation) = event else { return false }
            return conversation.externalID == "alice"
        }
        _ = try await harness.gateway.handleWebhook(
            channelID: channel.id, request: harness.recordingWebhook([("alice", "1", "hi"), ("bob", "2", "hello"), ("alice", "3", "again")])
        )
        // Ingest publishes before it answers, so both streams hold everything they will get.
        bus.finishAll()

        let seen = await collect(everything)
        #expect(seen.count > 3, "conversation events come with the messages")
        let created = seen.compactMap { event -> String? in
            guard case .messageCreated(let message, _) = event, case .text(let text) = message.content else { return nil }
            return text
        }
        #expect(created == ["hi", "hello", "again"])

        let filtered = await collect(alices)
        let texts = filtered.compactMap { event -> String? in
            guard case .messageCreated(let message, _) = event, case .text(let text) = message.content else { return nil }
            return text
        }
        #expect(texts == ["hi", "again"])
        #expect(filtered.count == 2)
    }
}
