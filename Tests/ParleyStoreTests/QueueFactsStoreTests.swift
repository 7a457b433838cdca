import Foundation
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

/// What the store tells routing about a waiting customer beyond their wait: a VIP tag, and a
/// queue they gave up on earlier (both move them up where the team's priority rules say so).
@Suite("Queue facts in the store")
struct QueueFactsStoreTests {
    @Test func aVIPTagAndAnEarlierAbandonedQueueReachRouting() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let web = try await harness.addWebChat()
        let start = harness.clock.now()
        let team = try await harness.store.saveTeam(
            id: nil, name: "Support", strategy: "least-busy", stickyWindow: 0, overflowTeam: nil, overflowAfter: 0, profile: TeamProfile(), at: start
        )
        try await harness.store.setChannelTeam(web.id, team: team.id)
        func write(_ id: String, at time: Date) async throws -> ConversationID {
            try await harness.store.ingest([IngestItem(
                channelID: web.id, reopenWindow: 0,
                message: InboundMessage(externalUserID: "v_ana", platformMessageID: id, content: .text("hi"), sentAt: time), receivedAt: time
            )])[0].get().receipt.conversationID
        }
        let first = try await write("w1", at: start)
        let gaveUp = start.addingTimeInterval(120)
        _ = try await harness.store.apply(.close(.abandoned), to: first, by: .system, timers: TimerSettings(idleTimeout: 0), at: gaveUp)
        let second = try await write("w2", at: start.addingTimeInterval(3600))
        #expect(second != first)

        var waiting = try #require(try await harness.store.waitingConversations([second]).first)
        #expect(waiting.lastFailedQueueAt == gaveUp && !waiting.isVIP)
        let contact = try #require(try await harness.store.conversation(second)).contactID
        let open = try await harness.store.setVIP(contact, true)
        #expect(open.queued == [second] && open.withBot.isEmpty)
        waiting = try #require(try await harness.store.waitingConversations([second]).first)
        #expect(waiting.isVIP)
        await #expect(throws: StoreError.self) { try await harness.store.setVIP(ContactID(999), true) }
    }

    @Test func aChannelWhoseTeamHasABotOpensConversationsWithTheBot() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let web = try await harness.addWebChat()
        let now = harness.clock.now()
        let team = try await harness.store.saveTeam(
            id: nil, name: "Support", strategy: "least-busy", stickyWindow: 0, overflowTeam: nil, overflowAfter: 0,
            profile: TeamProfile(bot: TeamBot()), at: now
        )
        try await harness.store.setChannelTeam(web.id, team: team.id)
        let receipt = try await harness.store.ingest([IngestItem(
            channelID: web.id, reopenWindow: 0,
            message: InboundMessage(externalUserID: "v_bo", platformMessageID: "b1", content: .text("hi"), sentAt: now), receivedAt: now
        )])[0].get().receipt
        let conversation = try #require(try await harness.store.conversation(receipt.conversationID))
        #expect(conversation.status == .bot)
        #expect(try await harness.store.conversationsAwaitingBot(limit: 10) == [conversation.id])
        let work = try #require(try await harness.store.botWork(conversation.id))
        #expect(work.unread.map(\.content) == [.text("hi")] && work.bot == TeamBot() && work.team == team.id)

        // A turn over a stale read is refused; the fresh one is written once.
        let turn = BotTurn(conversation: conversation.id, readFrom: work.readThrough, readThrough: receipt.messageID.rawValue, replies: ["Hello!"], misses: 1, handOver: nil)
        #expect(try await harness.store.recordBotTurn(turn, at: now)?.messages.map(\.content) == [.text("Hello!")])
        #expect(try await harness.store.recordBotTurn(turn, at: now) == nil)
        #expect(try await harness.store.conversationsAwaitingBot(limit: 10).isEmpty)
        #expect(try await harness.store.botWork(conversation.id)?.misses == 1)
    }
}
