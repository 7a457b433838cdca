import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing

@Suite("Ingest pipeline")
struct IngestPipelineTests {
    /// A platform redelivering the same message three times at once: stored once, all three acknowledged.
    @Test func sameMessageDeliveredThreeTimesConcurrently() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let request = harness.recordingWebhook([("alice", "wamid.1", "hello")])
        let responses = try await withThrowingTaskGroup(of: WebhookResponse.self) { group in
            for _ in 0..<3 { group.addTask { try await harness.gateway.handleWebhook(channelID: channel.id, request: request) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.map(\.status) == [200, 200, 200])
        let conversations = try await harness.store.conversations(ConversationFilter())
        #expect(conversations.count == 1)
        let messages = try await harness.store.messages(in: conversations[0].id, before: nil, limit: 10)
        #expect(messages.count == 1)
        #expect(messages[0].content == .text("hello"))
    }

    /// Concurrent requests share transactions, and each is answered only with its own receipts.
    @Test func concurrentIngestsAreGroupCommitted() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let count = 200
        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<count {
                group.addTask {
                    let response = try await harness.gateway.handleWebhook(
                        channelID: channel.id, request: harness.recordingWebhook([("user\(index % 20)", "m\(index)", "text \(index)")])
                    )
                    return (index, String(decoding: response.body, as: UTF8.self))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == count)
        #expect(results.allSatisfy { $0.1 == "ok 1" })
        let stored = harness.registry.emitToString()
        #expect(stored.contains(#"parley_ingest_messages_total{result="stored"} 200"#))
        let commits = try #require(Self.counter("parley_ingest_commits_total", in: stored))
        #expect(commits < count, "200 concurrent messages took \(commits) transactions")
        #expect(try await harness.store.conversations(ConversationFilter()).count == 20)
    }

    /// A bad signature is refused before anything is written.
    @Test func unauthenticatedWebhookWritesNothing() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        await #expect(throws: GatewayError.connector(.unauthorized("bad secret"))) {
            try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("a", "1", "x")], secret: "forged"))
        }
        #expect(try await harness.store.conversations(ConversationFilter()).isEmpty)
        await #expect(throws: GatewayError.channelNotFound(ChannelID("ch_missing"))) {
            try await harness.gateway.handleWebhook(channelID: ChannelID("ch_missing"), request: harness.recordingWebhook([]))
        }
    }

    static func counter(_ name: String, in text: String) -> Int? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Int($0.split(separator: " ").last ?? "") }
    }
}
