import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTesting
import Testing

/// Contacts across channels: the same person writes on web chat and on another channel, a
/// supervisor merges the two contacts, and the workbench then shows one person with both
/// identities and both histories.
@Suite("Contacts API")
struct ContactRouteTests {
    private static func object(_ answer: (status: Int, object: Any?, text: String)) -> [String: Any] {
        answer.object as? [String: Any] ?? [:]
    }

    private static func conversations(_ answer: (status: Int, object: Any?, text: String)) -> [[String: Any]] {
        object(answer)["conversations"] as? [[String: Any]] ?? []
    }

    /// A web visitor and a customer on the recording channel: their two conversations (web first).
    private static func twoCustomers(_ client: some TestClientProtocol, _ app: TestApp, _ channel: Channel, token: String) async throws -> ([String: Any], [String: Any]) {
        try await client.visitorWrites(app.webChat, token: try await client.visitorToken(app.webChat), clientID: "c1", text: "Hi from the website")
        _ = try await app.harness.gateway.handleWebhook(channelID: channel.id, request: app.harness.recordingWebhook([("u1", "m1", "Hi from my phone")]))
        let listed = conversations(try await client.json("/api/v1/conversations", token: token))
        guard let web = listed.first(where: { $0["channelId"] as? String == app.webChat.id.rawValue }),
              let other = listed.first(where: { $0["channelId"] as? String == channel.id.rawValue })
        else { throw TestFailure("expected a conversation on each channel: \(listed)") }
        return (web, other)
    }

    @Test func aSupervisorMergesTwoContactsAndBothHistoriesFollow() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("sam@example.com", role: .supervisor)
        let channel = try await app.harness.addRecordingChannel()
        try await app.application().test(.router) { client in
            let sam = try await client.login("sam@example.com")
            let (web, other) = try await Self.twoCustomers(client, app, channel, token: sam)
            let kept = try #require(web["contactId"] as? Int)
            let duplicate = try #require(other["contactId"] as? Int)
            #expect(kept != duplicate)

            let before = try await client.json("/api/v1/contacts/\(kept)", token: sam)
            #expect(before.status == 200, "\(before.text)")
            let identities = Self.object(before)["identities"] as? [[String: Any]] ?? []
            #expect(identities.count == 1 && identities.first?["channelKind"] as? String == "webchat")
            #expect(identities.first?["channelName"] as? String == "Website" && identities.first?["externalId"] as? String == web["externalId"] as? String)
            #expect(Self.object(before)["createdAt"] is String && Self.object(before)["vip"] as? Bool == false)
            #expect(try await client.json("/api/v1/contacts/\(kept)/vip", method: .put, token: sam).status == 204)
            #expect(Self.object(try await client.json("/api/v1/contacts/\(kept)", token: sam))["vip"] as? Bool == true)

            let events = app.harness.gateway.bus.subscribe()
            let merged = try await client.json("/api/v1/contacts/\(kept)/merge", method: .post, token: sam, body: #"{"contactId":\#(duplicate)}"#)
            #expect(merged.status == 200, "\(merged.text)")
            let both = (Self.object(merged)["identities"] as? [[String: Any]] ?? []).map { "\($0["channelKind"] ?? "")/\($0["channelName"] ?? "")/\($0["externalId"] ?? "")" }
            #expect(both == ["webchat/Website/\(web["externalId"] ?? "")", "telegram/Recording/u1"])
            #expect(Self.object(merged)["vip"] as? Bool == true, "the kept contact stays VIP")
            let reread = Self.object(try await client.json("/api/v1/contacts/\(kept)", token: sam))["identities"] as? [[String: Any]] ?? []
            #expect(reread.compactMap { $0["externalId"] as? String } == [web["externalId"] as? String, "u1"].compactMap { $0 })

            let gone = try await client.json("/api/v1/contacts/\(duplicate)", token: sam)
            #expect(gone.status == 404 && Self.object(gone)["error"] as? String == "contact \(duplicate) not found")
            let history = Self.conversations(try await client.json("/api/v1/contacts/\(kept)/conversations", token: sam))
            #expect(history.compactMap { $0["id"] as? Int } == [other["id"] as? Int, web["id"] as? Int].compactMap { $0 }, "newest first")
            #expect(history.allSatisfy { $0["contactId"] as? Int == kept })
            let moved = Self.object(try await client.json("/api/v1/conversations/\(other["id"] as? Int ?? 0)", token: sam))
            #expect(moved["contactId"] as? Int == kept, "the conversation itself names the contact it belongs to now")

            var iterator = events.makeAsyncIterator()
            guard case .conversationUpdated(let conversation, nil)? = await iterator.next() else {
                Issue.record("the moved conversation was not published")
                return
            }
            #expect(conversation.id.rawValue == Int64(other["id"] as? Int ?? 0) && conversation.contactID.rawValue == Int64(kept))
        }
    }

    @Test func mergeIsGuardedAndChecked() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("ana@example.com")
        let channel = try await app.harness.addRecordingChannel()
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin@example.com")
            let ana = try await client.login("ana@example.com")
            let (web, other) = try await Self.twoCustomers(client, app, channel, token: admin)
            let (kept, duplicate) = (web["contactId"] as? Int ?? 0, other["contactId"] as? Int ?? 0)
            let refusals: [(String, String, Int, String)] = [
                (ana, #"{"contactId":\#(duplicate)}"#, 403, "only supervisors and admins merge contacts"),
                (admin, #"{"contactId":\#(kept)}"#, 400, "contactId: a contact cannot be merged into itself"),
                (admin, #"{}"#, 400, "contactId: is required (the contact to merge into this one)"),
                (admin, #"{"contactId":999}"#, 404, "contact 999 not found"),
            ]
            for (token, body, status, reason) in refusals {
                let answer = try await client.json("/api/v1/contacts/\(kept)/merge", method: .post, token: token, body: body)
                #expect(answer.status == status && Self.object(answer)["error"] as? String == reason, "\(body): \(answer.text)")
            }
            let unknownTarget = try await client.json("/api/v1/contacts/999/merge", method: .post, token: admin, body: #"{"contactId":\#(duplicate)}"#)
            #expect(unknownTarget.status == 404 && Self.object(unknownTarget)["error"] as? String == "contact 999 not found")
            #expect(try await client.json("/api/v1/contacts/\(duplicate)", token: admin).status == 200, "nothing was merged")
        }
    }

    /// An agent sees the contact of a conversation they can see (an unassigned one, their own),
    /// and nothing of a contact whose every conversation is a colleague's.
    @Test func agentsSeeOnlyContactsOfConversationsTheyCanSee() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("ana@example.com")
        let ben = try await app.harness.addAgent("ben@example.com")
        let channel = try await app.harness.addRecordingChannel()
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin@example.com")
            let ana = try await client.login("ana@example.com")
            let (web, _) = try await Self.twoCustomers(client, app, channel, token: admin)
            let contact = try #require(web["contactId"] as? Int)
            let conversation = try #require(web["id"] as? Int)

            #expect(try await client.json("/api/v1/contacts/\(contact)", token: ana).status == 200, "unassigned: any agent may see it")
            #expect(Self.conversations(try await client.json("/api/v1/contacts/\(contact)/conversations", token: ana)).count == 1)

            let assigned = try await client.json("/api/v1/conversations/\(conversation)/assign", method: .post, token: admin,
                                                 body: #"{"agentId":\#(ben.id.rawValue)}"#)
            #expect(assigned.status == 200, "\(assigned.text)")
            for path in ["/api/v1/contacts/\(contact)", "/api/v1/contacts/\(contact)/conversations"] {
                let hidden = try await client.json(path, token: ana)
                #expect(hidden.status == 404 && Self.object(hidden)["error"] as? String == "contact \(contact) not found", "\(path): \(hidden.text)")
            }
            let benToken = try await client.login("ben@example.com")
            #expect(try await client.json("/api/v1/contacts/\(contact)", token: benToken).status == 200, "Ben holds the conversation")
            #expect(try await client.json("/api/v1/contacts/\(contact)", token: admin).status == 200)
            #expect(try await client.json("/api/v1/contacts/abc", token: admin).status == 404)
        }
    }
}
