import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyStore
import Testing

@Suite("Bad input")
struct BadInputTests {
    @Test func refusalsAreClearCountedAndWriteNothing() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        try await app.application().test(.router) { client in
            let visitor = try await client.visitorToken(app.webChat)
            let hook = "/hooks/\(app.webChat.id)"

            let big = String(repeating: "a", count: (1 << 20) + 10)
            let tooLarge = try await client.json(hook, method: .post, token: visitor, body: big)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.text.contains("larger than 1 MiB"))

            let malformed = try await client.json(hook, method: .post, token: visitor, body: #"{"clientId": "#)
            #expect(malformed.status == 400)
            #expect(malformed.text.contains("not valid JSON"))

            let missingField = try await client.json(hook, method: .post, token: visitor, body: #"{"clientId":"x"}"#)
            #expect(missingField.status == 400)
            #expect(missingField.text.contains("text is missing"))

            let unknownChannel = try await client.json("/hooks/ch_nope", method: .post, token: visitor, body: #"{"clientId":"x","text":"y"}"#)
            #expect(unknownChannel.status == 404)

            let forged = try await client.json(hook, method: .post, token: "v1.v_abc.forged", body: #"{"clientId":"x","text":"y"}"#)
            #expect(forged.status == 401)

            let wrongPassword = try await client.json("/api/v1/auth/login", method: .post, body: #"{"email":"admin@example.com","password":"nope"}"#)
            #expect(wrongPassword.status == 401)
            let noToken = try await client.json("/api/v1/conversations")
            #expect(noToken.status == 401)
            // Outside WebSocket upgrades a token in the URL is refused: URLs end up in logs.
            let adminToken = try await client.login("admin@example.com")
            #expect(try await client.json("/api/v1/conversations?token=\(adminToken)").status == 401)
            let badStatus = try await client.json("/api/v1/conversations?status=open", token: adminToken)
            #expect(badStatus.status == 400)
            #expect(badStatus.text.contains("status"))

            let metrics = try await client.json("/metrics").text
            #expect(metrics.contains(#"parley_http_refusals_total{reason="too_large",route="/hooks"} 1"#))
            #expect(metrics.contains(#"parley_http_refusals_total{reason="malformed",route="/hooks"} 2"#))
            #expect(metrics.contains(#"parley_http_refusals_total{reason="unknown_channel",route="/hooks"} 1"#))
            #expect(metrics.contains(#"parley_http_refusals_total{reason="unauthorized",route="/hooks"} 1"#))
            #expect(metrics.contains(#"parley_http_refusals_total{reason="unauthorized",route="/api/v1/conversations"} 2"#))
        }
        #expect(try await app.harness.store.conversations(ConversationFilter()).isEmpty, "a refused request wrote something")
    }

    @Test func agentCannotSeeAnotherAgentsConversation() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("alice@example.com")
        _ = try await app.harness.addAgent("bob@example.com")
        try await app.application().test(.router) { client in
            let visitor = try await client.visitorToken(app.webChat)
            let posted = try await client.json("/hooks/\(app.webChat.id)", method: .post, token: visitor, body: #"{"clientId":"c1","text":"hi"}"#)
            #expect(posted.status == 200)
            let conversationID = try #require((posted.object as? [String: Any])?["conversationId"] as? Int)
            let alice = try await client.login("alice@example.com")
            let bob = try await client.login("bob@example.com")
            #expect(try await client.json("/api/v1/conversations/\(conversationID)/assign", method: .post, token: alice, body: #"{"agentId":"me"}"#).status == 200)
            #expect(try await client.json("/api/v1/conversations/\(conversationID)", token: bob).status == 404)
            #expect(try await client.json("/api/v1/conversations/\(conversationID)/messages", token: bob).status == 404)
            #expect(try await client.json("/api/v1/conversations/\(conversationID)/messages", method: .post, token: bob, body: #"{"text":"x"}"#).status == 404)
            #expect(try await client.json("/api/v1/conversations/\(conversationID)", token: alice).status == 200)
            #expect(try await client.json("/api/v1/conversations/999", token: alice).status == 404)
        }
    }

    @Test func sameWebChatMessageTwiceIsStoredOnceAndAcknowledgedTwice() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        try await app.application().test(.router) { client in
            let visitor = try await client.visitorToken(app.webChat)
            let body = #"{"clientId":"same","text":"once"}"#
            let first = try await client.json("/hooks/\(app.webChat.id)", method: .post, token: visitor, body: body)
            let second = try await client.json("/hooks/\(app.webChat.id)", method: .post, token: visitor, body: body)
            #expect(first.status == 200 && second.status == 200)
            #expect((first.object as? [String: Any])?["duplicate"] as? Bool == false)
            #expect((second.object as? [String: Any])?["duplicate"] as? Bool == true)
            #expect((first.object as? [String: Any])?["id"] as? Int == (second.object as? [String: Any])?["id"] as? Int)
        }
    }

    /// Visitors choose their own client ids: another visitor's id must neither swallow a
    /// message nor reveal the other visitor's message or conversation.
    @Test func visitorsReusingAClientIDStayApart() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        try await app.application().test(.router) { client in
            let alice = try await client.visitorToken(app.webChat)
            let mallory = try await client.visitorToken(app.webChat)
            let body = #"{"clientId":"1","text":"hello"}"#
            let first = try await client.json("/hooks/\(app.webChat.id)", method: .post, token: alice, body: body)
            let second = try await client.json("/hooks/\(app.webChat.id)", method: .post, token: mallory, body: body)
            let a = try #require(first.object as? [String: Any])
            let m = try #require(second.object as? [String: Any])
            #expect(m["duplicate"] as? Bool == false)
            #expect(m["clientId"] as? String == "1")
            #expect(a["id"] as? Int != m["id"] as? Int)
            #expect(a["conversationId"] as? Int != m["conversationId"] as? Int)
        }
        #expect(try await app.harness.store.conversations(ConversationFilter()).count == 2)
    }
}
