import Foundation
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

@Suite("Outbox")
struct OutboxOrderTests {
    /// Only a conversation's oldest unfinished row is handed out, so its replies leave in order.
    @Test func claimsOnlyTheOldestRowOfEachConversation() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let agent = try await harness.addAgent(role: .admin)
        let response = try await harness.gateway.handleWebhook(
            channelID: channel.id, request: harness.recordingWebhook([("alice", "1", "hi"), ("bob", "2", "hello")])
        )
        #expect(response.status == 200)
        let conversations = try await harness.store.conversations(ConversationFilter())
        #expect(conversations.count == 2)
        let first = conversations.first { $0.externalID == "alice" }!
        let second = conversations.first { $0.externalID == "bob" }!
        let a1 = try await harness.gateway.reply(to: first.id, text: "a1", by: agent)
        _ = try await harness.gateway.reply(to: first.id, text: "a2", by: agent)
        let b1 = try await harness.gateway.reply(to: second.id, text: "b1", by: agent)

        let now = harness.clock.now()
        let claimed = try await harness.store.claimDue(now: now, limit: 10, lease: 60)
        #expect(Set(claimed.map(\.delivery.messageID)) == [a1.id, b1.id])
        // While a1 is in flight, a2 stays behind it.
        #expect(try await harness.store.claimDue(now: now, limit: 10, lease: 60).isEmpty)
        let sent = try await harness.store.markSent(claimed.first { $0.delivery.messageID == a1.id }!, platformMessageID: "p1", via: .freeText, at: now, pushBackAt: nil)
        #expect(sent.status == .sent)
        #expect(sent.platformMessageID == "p1")
        let next = try await harness.store.claimDue(now: now, limit: 10, lease: 60)
        #expect(next.map(\.delivery.content) == [.text("a2")])
    }

    /// A claim whose process died comes back once its lease runs out.
    @Test func expiredLeaseIsClaimedAgain() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let agent = try await harness.addAgent(role: .admin)
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("alice", "1", "hi")]))
        let conversation = try await harness.store.conversations(ConversationFilter())[0]
        _ = try await harness.gateway.reply(to: conversation.id, text: "r", by: agent)
        let now = harness.clock.now()
        #expect(try await harness.store.claimDue(now: now, limit: 10, lease: 60).count == 1)
        #expect(try await harness.store.claimDue(now: now.addingTimeInterval(59), limit: 10, lease: 60).isEmpty)
        #expect(try await harness.store.claimDue(now: now.addingTimeInterval(61), limit: 10, lease: 60).count == 1)
    }
}
