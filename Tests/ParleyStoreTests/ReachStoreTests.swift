import Foundation
import GRDB
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

@Suite("Reach store")
struct ReachStoreTests {
    /// The planner reads a contact's identities with the customer's clock on each: the latest
    /// conversation's, not the first one's, and the STOP mark of the identity.
    @Test func everyIdentityOfAContactComesWithItsLatestClockAndOptOut() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let web = try await harness.addWebChat()
        let sms = try await harness.addRecordingChannel()
        let start = harness.clock.now()
        func write(_ channel: Channel, _ user: String, _ id: String, at time: Date) async throws -> IngestReceipt {
            try await harness.store.ingest([IngestItem(
                channelID: channel.id, reopenWindow: 0,
                message: InboundMessage(externalUserID: user, platformMessageID: id, content: .text("hi"), sentAt: time), receivedAt: time
            )])[0].get().receipt
        }
        let first = try await write(web, "v_ana", "w1", at: start)
        _ = try await harness.store.apply(.resolve, to: first.conversationID, by: .system, timers: TimerSettings(idleTimeout: 0), at: start)
        let later = start.addingTimeInterval(3600)
        let second = try await write(web, "v_ana", "w2", at: later)
        #expect(second.conversationID != first.conversationID, "a resolved conversation outside its reopen window starts a new one")
        let onSMS = try await write(sms, "+15550001", "s1", at: start.addingTimeInterval(60))
        #expect(try await harness.store.setOptOut(channel: sms.id, externalID: "+15550001", optedOut: true, at: later))

        let webConversation = try #require(try await harness.store.conversation(second.conversationID))
        let smsConversation = try #require(try await harness.store.conversation(onSMS.conversationID))
        #expect(try await harness.store.identityActivity(ofContact: webConversation.contactID).count == 1, "not linked yet")
        try await harness.store.mergeContacts(smsConversation.contactID, into: webConversation.contactID)
        let activity = try await harness.store.identityActivity(ofContact: webConversation.contactID)
        #expect(activity == [
            IdentityActivity(identityID: webConversation.identityID, channelID: web.id, externalID: "v_ana",
                             lastCustomerMessageAt: later, repliesSinceCustomerMessage: 0, optedOut: false),
            IdentityActivity(identityID: smsConversation.identityID, channelID: sms.id, externalID: "+15550001",
                             lastCustomerMessageAt: start.addingTimeInterval(60), repliesSinceCustomerMessage: 0, optedOut: true),
        ])
    }

    @Test func mergingMovesEverythingOfTheDuplicateAndKeepsTheKeptContactsDetails() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let web = try await harness.addWebChat()
        let sms = try await harness.addRecordingChannel()
        let kept = try await harness.store.saveVisitorEmail("ana@example.com", name: nil, channel: web.id, visitor: "v_ana", at: harness.clock.now())
        let duplicate = try await harness.store.saveVisitorEmail("old@example.com", name: "Ana Li", channel: sms.id, visitor: "+15550001", at: harness.clock.now())
        let receipt = try await harness.store.ingest([IngestItem(
            channelID: sms.id, reopenWindow: 0,
            message: InboundMessage(externalUserID: "+15550001", platformMessageID: "s1", content: .text("hi"), sentAt: harness.clock.now()),
            receivedAt: harness.clock.now()
        )])[0].get().receipt

        try await harness.store.mergeContacts(duplicate, into: kept)
        #expect(try await harness.store.identityActivity(ofContact: kept).map(\.externalID) == ["v_ana", "+15550001"])
        #expect(try await harness.store.identityActivity(ofContact: duplicate).isEmpty)
        #expect(try await harness.store.conversation(receipt.conversationID)?.contactID == kept)
        let messages = try await harness.store.messages(in: receipt.conversationID, before: nil, limit: 10)
        #expect(messages.map(\.sender) == [.contact(kept)])
        #expect(try await harness.store.email(ofContact: kept) == "ana@example.com", "the kept contact's own address wins")
        let name = try await harness.store.pool.read { db in try String.fetchOne(db, sql: "SELECT name FROM contacts WHERE id = ?", arguments: [kept.rawValue]) }
        #expect(name == "Ana Li", "taken from the duplicate, which had one")

        await #expect(throws: StoreError.notFound("contact \(duplicate)")) { try await harness.store.mergeContacts(duplicate, into: kept) }
        await #expect(throws: StoreError.conflict("a contact cannot be merged into itself")) { try await harness.store.mergeContacts(kept, into: kept) }
    }
}
