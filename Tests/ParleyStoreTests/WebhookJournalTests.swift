import Foundation
import GRDB
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

@Suite("Webhook journal and queue")
struct WebhookJournalTests {
    private static func draft(_ types: [String] = ["*"], notes: Bool = false) -> WebhookDraft {
        WebhookDraft(url: "https://hooks.example/x", eventTypes: types, includeNotes: notes)
    }

    private static func relayed(_ batch: WebhookJournalBatch) -> [RelayedEvent] {
        batch.entries.compactMap { entry in
            entry.event.map { RelayedEvent(journalID: entry.id, type: $0.type, isNote: false, payload: "{\"j\":\(entry.id)}") }
        }
    }

    /// The triggers journal every new message and lifecycle event in commit order, only while a
    /// subscription is active, each with the conversation's lifecycle state as that event left it.
    @Test func theJournalHoldsCommittedEventsInCommitOrder() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let agent = try await harness.addAgent(role: .admin)
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("early", "e1", "before anyone listened")]))
        #expect(try await harness.store.webhookJournal(limit: 10).entries.isEmpty)
        #expect(try await harness.store.webhookJournal(limit: 10).anyActive == false)

        _ = try await harness.store.insertWebhook(Self.draft(), sealedSecret: [1], at: harness.clock.now())
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("bob", "b1", "hi")]))
        let conversation = try #require(try await harness.store.conversations(ConversationFilter()).first { $0.externalID == "bob" })
        _ = try await harness.gateway.assign(conversation.id, to: agent.id, by: agent)
        _ = try await harness.gateway.reply(to: conversation.id, text: "hello bob", by: agent)

        let batch = try await harness.store.webhookJournal(limit: 10)
        #expect(batch.anyActive)
        let events = batch.entries.compactMap(\.event)
        #expect(events.map(\.type) == ["conversation.created", "message.created", "conversation.updated", "message.created"])
        #expect(batch.entries.map(\.id) == batch.entries.map(\.id).sorted())
        // Lifecycle state as of each event, though the conversation is assigned by now.
        #expect(events.map { $0.conversation?.status } == [.queued, .queued, .assigned, .assigned])
        #expect(events.map { $0.conversation?.assignee } == [nil, nil, agent.id, agent.id])
        guard case .conversationUpdated(_, let transition?) = events[2] else { Issue.record("no transition: \(events[2])"); return }
        #expect(transition.command == .assign(agent.id) && transition.from == .queued && transition.to == .assigned)
        #expect(transition.actor == .agent(agent.id) && transition.at == harness.clock.now())
        guard case .messageCreated(let reply, _) = events[3] else { Issue.record("not a message: \(events[3])"); return }
        #expect(reply.content == .text("hello bob") && reply.direction == .outbound)
    }

    /// Each event is queued for the active subscriptions that want it and came before it; the
    /// journal entries go in the same transaction, and a second relay finding them gone writes nothing.
    @Test func queueingFansOutOnceAndConsumesTheJournal() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let now = harness.clock.now()
        let everything = try await harness.store.insertWebhook(Self.draft(), sealedSecret: [1], at: now)
        let messages = try await harness.store.insertWebhook(Self.draft(["message.created"]), sealedSecret: [1], at: now)
        let off = try await harness.store.insertWebhook(Self.draft(), sealedSecret: [1], at: now)
        _ = try await harness.store.updateWebhook(off.id, WebhookChange(active: false), at: now)
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("bob", "b1", "hi")]))
        let late = try await harness.store.insertWebhook(Self.draft(), sealedSecret: [1], at: now)

        let batch = try await harness.store.webhookJournal(limit: 10)
        let events = Self.relayed(batch)
        #expect(events.map(\.type) == ["conversation.created", "message.created"])
        await #expect(throws: StoreError.self) {
            _ = try await harness.store.queueWebhookDeliveries(events, through: batch.entries.last!.id, consumed: 3, at: now)
        }
        let queued = try await harness.store.queueWebhookDeliveries(events, through: batch.entries.last!.id, consumed: 2, at: now)
        #expect(queued == 3)
        #expect(try await harness.store.webhookJournal(limit: 10).entries.isEmpty)
        await #expect(throws: StoreError.self) {
            _ = try await harness.store.queueWebhookDeliveries(events, through: batch.entries.last!.id, consumed: 2, at: now)
        }
        #expect(try await harness.store.webhookDeliveries(of: everything.id, limit: 10).map(\.eventType) == ["message.created", "conversation.created"])
        #expect(try await harness.store.webhookDeliveries(of: messages.id, limit: 10).map(\.eventType) == ["message.created"])
        #expect(try await harness.store.webhookDeliveries(of: off.id, limit: 10).isEmpty)
        #expect(try await harness.store.webhookDeliveries(of: late.id, limit: 10).isEmpty, "created after these events")
    }

    @Test func notesGoOnlyWhereAskedFor() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let now = harness.clock.now()
        let plain = try await harness.store.insertWebhook(Self.draft(), sealedSecret: [1], at: now)
        let withNotes = try await harness.store.insertWebhook(Self.draft(["message.created"], notes: true), sealedSecret: [1], at: now)
        try await harness.store.pool.write { db in
            try db.execute(sql: "INSERT INTO webhook_journal (source, source_id, conversation_id, status) VALUES ('message', 1, 1, 'queued')")
        }
        let note = RelayedEvent(journalID: 1, type: "message.created", isNote: true, payload: "{}")
        #expect(try await harness.store.queueWebhookDeliveries([note], through: 1, consumed: 1, at: now) == 1)
        #expect(try await harness.store.webhookDeliveries(of: plain.id, limit: 10).isEmpty)
        #expect(try await harness.store.webhookDeliveries(of: withNotes.id, limit: 10).count == 1)
    }

    /// Only a subscription's oldest unfinished delivery is handed out, one at a time; a retry
    /// waiting on one subscription leaves the other's queue moving; a disabled one waits.
    @Test func claimsOnlyEachSubscriptionsHead() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let now = harness.clock.now()
        let first = try await harness.store.insertWebhook(Self.draft(["message.created"]), sealedSecret: [1, 2], at: now)
        let second = try await harness.store.insertWebhook(Self.draft(["message.created"]), sealedSecret: [3], at: now)
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("bob", "b1", "one")]))
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("bob", "b2", "two")]))
        let batch = try await harness.store.webhookJournal(limit: 10)
        _ = try await harness.store.queueWebhookDeliveries(Self.relayed(batch), through: batch.entries.last!.id, consumed: batch.entries.count, at: now)

        let heads = try await harness.store.claimDueWebhookDeliveries(now: now, limit: 10, lease: 60)
        #expect(heads.map(\.subscriptionID) == [first.id, second.id])
        #expect(heads[0].sealedSecret == [1, 2] && heads[0].attempts == 0 && heads[0].url == "https://hooks.example/x")
        #expect(try await harness.store.claimDueWebhookDeliveries(now: now, limit: 10, lease: 60).isEmpty, "one in flight each")
        #expect(try await harness.store.nextWebhookDeliveryDue() == now.addingTimeInterval(60), "the in-flight heads' leases")

        try await harness.store.retryWebhookDelivery(heads[0], status: 500, error: "HTTP 500", at: now.addingTimeInterval(30), now: now)
        try await harness.store.completeWebhookDelivery(heads[1], status: 204, at: now)
        let next = try await harness.store.claimDueWebhookDeliveries(now: now, limit: 10, lease: 60)
        // Journal: bob's conversation opening, then his two messages.
        #expect(heads.map(\.payload) == Array(repeating: "{\"j\":\(batch.entries[1].id)}", count: 2))
        #expect(next.map(\.subscriptionID) == [second.id] && next.map(\.payload) == ["{\"j\":\(batch.entries[2].id)}"])
        let retried = try await harness.store.claimDueWebhookDeliveries(now: now.addingTimeInterval(30), limit: 10, lease: 60)
        #expect(retried.map(\.id) == [heads[0].id] && retried[0].attempts == 1)

        try await harness.store.releaseWebhookClaims()
        _ = try await harness.store.updateWebhook(first.id, WebhookChange(active: false), at: now)
        let later = now.addingTimeInterval(3_600)
        #expect(try await harness.store.claimDueWebhookDeliveries(now: later, limit: 10, lease: 60).map(\.subscriptionID) == [second.id])
        let failing = try #require(try await harness.store.webhook(first.id))
        #expect(failing.consecutiveFailures == 1 && failing.lastStatus == 500 && failing.lastError == "HTTP 500" && failing.pendingDeliveries == 2)
    }
}
