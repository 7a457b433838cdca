import Foundation
import GRDB
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

@Suite("Ingest store")
struct IngestStoreTests {
    private func item(_ channel: ChannelID, from user: String, id: String, at time: Date, reopenWindow: TimeInterval = 600) -> IngestItem {
        IngestItem(
            channelID: channel, reopenWindow: reopenWindow,
            message: InboundMessage(externalUserID: user, displayName: "User \(user)", platformMessageID: id, content: .text("m\(id)"), sentAt: time),
            receivedAt: time
        )
    }

    @Test func oneIdentityOneContactOneOpenConversation() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let now = harness.clock.now()
        let results = try await harness.store.ingest([
            item(channel.id, from: "u1", id: "1", at: now), item(channel.id, from: "u1", id: "2", at: now),
            item(channel.id, from: "u2", id: "3", at: now),
        ])
        let receipts = try results.map { try $0.get().receipt }
        #expect(receipts[0].conversationID == receipts[1].conversationID)
        #expect(receipts[0].conversationID != receipts[2].conversationID)
        let conversation = try #require(try await harness.store.conversation(receipts[0].conversationID))
        #expect(conversation.status == .queued)
        #expect(conversation.lastMessagePreview == "m2")
        #expect(conversation.lastCustomerMessageAt == now)
        let messages = try await harness.store.messages(in: conversation.id, before: nil, limit: 10)
        #expect(messages.map(\.platformMessageID) == ["1", "2"])
        #expect(messages.allSatisfy { $0.sender == .contact(conversation.contactID) && $0.direction == .inbound })
    }

    @Test func duplicatePlatformIDInOneBatchIsStoredOnce() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let now = harness.clock.now()
        let results = try await harness.store.ingest([item(channel.id, from: "u1", id: "7", at: now), item(channel.id, from: "u1", id: "7", at: now)])
        let receipts = try results.map { try $0.get().receipt }
        #expect(receipts.map(\.duplicate) == [false, true])
        #expect(receipts[0].messageID == receipts[1].messageID)
        #expect(try await harness.store.messages(in: receipts[0].conversationID, before: nil, limit: 10).count == 1)
    }

    @Test func aFailingMessageRollsBackAloneAndTheRestOfItsBatchCommits() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let now = harness.clock.now()
        // A channel that does not exist fails the conversation's foreign key after the contact
        // and identity rows were already written for it.
        let results = try await harness.store.ingest([
            item(channel.id, from: "u1", id: "1", at: now), item(ChannelID("ch_gone"), from: "u9", id: "2", at: now),
            item(channel.id, from: "u2", id: "3", at: now),
        ])
        #expect(results.map { (try? $0.get()) != nil } == [true, false, true])
        let counts = try await harness.store.pool.read { db in
            try ["contacts", "identities", "conversations", "messages"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1 }
        }
        #expect(counts == [2, 2, 2, 2])
    }

    @Test func resolvedConversationReopensWithinWindowAndNewOneAfter() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let start = harness.clock.now()
        let first = try await harness.store.ingest([item(channel.id, from: "u1", id: "1", at: start)])[0].get().receipt
        _ = try await harness.store.apply(.resolve, to: first.conversationID, by: .system, timers: TimerSettings(idleTimeout: 0), at: start)

        let reopened = try await harness.store.ingest([item(channel.id, from: "u1", id: "2", at: start.addingTimeInterval(300))])[0].get()
        #expect(reopened.receipt.conversationID == first.conversationID)
        #expect(try await harness.store.conversation(first.conversationID)?.status == .queued)
        #expect(reopened.events.contains { if case .conversationUpdated(_, let t?) = $0 { t.command == .reopen } else { false } })

        _ = try await harness.store.apply(.resolve, to: first.conversationID, by: .system, timers: TimerSettings(idleTimeout: 0), at: start.addingTimeInterval(300))
        let fresh = try await harness.store.ingest([item(channel.id, from: "u1", id: "3", at: start.addingTimeInterval(1_000))])[0].get()
        #expect(fresh.receipt.conversationID != first.conversationID)
        #expect(fresh.events.contains { if case .conversationCreated = $0 { true } else { false } })
        // The visitor's thread spans both conversations, in order.
        let thread = try await harness.store.messages(channel: channel.id, externalID: "u1", after: nil, limit: 10)
        #expect(thread.map(\.platformMessageID) == ["1", "2", "3"])
    }

    @Test func textAndNamesAreStoredWholeAndTheConversationIsReadBackWithEveryField() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel()
        let now = harness.clock.now()
        // U+0000 inside a text must not cut it short, and an empty name is a name, not a missing one.
        let first = IngestItem(
            channelID: channel.id, reopenWindow: 600,
            message: InboundMessage(externalUserID: "u1", displayName: "", platformMessageID: "1", content: .text("before\u{0}after"), sentAt: now),
            receivedAt: now
        )
        let stored = try await harness.store.ingest([first])[0].get()
        let conversation = try #require(try await harness.store.conversation(stored.receipt.conversationID))
        #expect(try await harness.store.messages(in: conversation.id, before: nil, limit: 1).first?.content == .text("before\u{0}after"))
        let name = try await harness.store.pool.read { db in try String.fetchOne(db, sql: "SELECT name FROM contacts WHERE id = ?", arguments: [conversation.contactID.rawValue]) }
        #expect(name == "")

        // The next message finds that conversation through the one lookup and carries all of it.
        try await harness.store.pool.write { db in
            try db.execute(sql: "UPDATE conversations SET assignee_id = NULL, status = 'queued', replies_since_customer = 3 WHERE id = ?", arguments: [conversation.id.rawValue])
            try db.execute(sql: "INSERT INTO conversation_labels (conversation_id, label, created_at) VALUES (?, 'vip', 0), (?, 'billing', 0)", arguments: [conversation.id.rawValue, conversation.id.rawValue])
        }
        let later = now.addingTimeInterval(5)
        let second = try await harness.store.ingest([item(channel.id, from: "u1", id: "2", at: later)])[0].get()
        let created = try #require(second.events.compactMap { event -> Conversation? in
            if case .messageCreated(_, let conversation) = event { conversation } else { nil }
        }.first)
        #expect(created.id == conversation.id)
        #expect(created.labels == ["billing", "vip"])
        #expect(created.createdAt == now && created.lastMessageAt == later && created.waitingSince == now)
        #expect(created.repliesSinceCustomerMessage == 0 && created.lastMessagePreview == "m2")
        #expect(try await harness.store.conversation(conversation.id) == created)
    }

    @Test func credentialsAreSealedAtRest() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.administration.addChannel(
            kind: .telegram, name: "Bot", credentials: ["botToken": "123456:SECRET-TOKEN"], settings: [:]
        )
        let stored = try #require(try await harness.store.channel(channel.id))
        #expect(!String(decoding: stored.sealedCredentials, as: UTF8.self).contains("SECRET-TOKEN"))
        #expect(try harness.vault.open(stored.sealedCredentials)["botToken"] == "123456:SECRET-TOKEN")
        let otherVault = try CredentialVault(base64Key: Data(repeating: 9, count: 32).base64EncodedString())
        #expect(throws: CredentialVault.VaultError.self) { try otherVault.open(stored.sealedCredentials) }
    }

    @Test func passwordsAreSaltedAndVerified() throws {
        let hasher = PasswordHasher(rounds: 1_000)
        let first = try hasher.hash("correct horse")
        let second = try hasher.hash("correct horse")
        #expect(first != second)
        #expect(hasher.verify("correct horse", against: first))
        #expect(!hasher.verify("wrong horse", against: first))
        #expect(!hasher.verify("correct horse", against: "garbage"))
    }
}
