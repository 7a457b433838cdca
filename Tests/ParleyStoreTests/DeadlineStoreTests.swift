import Foundation
import GRDB
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

@Suite("Deadline store")
struct DeadlineStoreTests {
    /// A recompute walks the channel's open conversations in several transactions; none is
    /// skipped at a batch boundary, finished conversations get nothing, and running it twice
    /// changes nothing.
    @Test func recomputingCoversEveryOpenConversationAcrossBatches() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let now = harness.clock.now()
        let open = 2 * 500 + 1
        let items = (0..<(open + 3)).map { index in
            IngestItem(
                channelID: channel.id, reopenWindow: 600,
                message: InboundMessage(externalUserID: "u\(index)", platformMessageID: "m\(index)", content: .text("hi"), sentAt: now),
                receivedAt: now
            )
        }
        let receipts = try await harness.store.ingest(items).map { try $0.get().receipt }
        for receipt in receipts.suffix(3) {
            _ = try await harness.store.apply(.resolve, to: receipt.conversationID, by: .system, timers: TimerSettings(idleTimeout: 0), at: now)
        }
        let settings = TimerSettings(idleTimeout: 3600, agentReplyTimeout: 120)
        #expect(try await harness.store.recomputeDeadlines(channel: channel.id, settings: settings) == open)
        #expect(try await harness.store.recomputeDeadlines(channel: channel.id, settings: settings) == open)

        let rows = try await harness.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT conversation_id, kind, due_at FROM deadlines ORDER BY conversation_id")
        }
        #expect(rows.count == open)
        #expect(Set(rows.map { $0["conversation_id"] as Int64 }) == Set(receipts.prefix(open).map(\.conversationID.rawValue)))
        #expect(rows.allSatisfy { $0["kind"] == "agent-reply" && $0["due_at"] == now.addingTimeInterval(120).timeIntervalSince1970 })
    }
}
