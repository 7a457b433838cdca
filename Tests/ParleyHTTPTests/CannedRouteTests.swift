import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTesting
import Testing

/// Canned responses as admins write them and agents send them: the text a customer finally
/// receives has every variable filled in for their conversation.
@Suite("Canned responses API")
struct CannedRouteTests {
    private static func object(_ answer: (status: Int, object: Any?, text: String)) -> [String: Any] {
        answer.object as? [String: Any] ?? [:]
    }

    private static func error(_ answer: (status: Int, object: Any?, text: String)) -> String? {
        object(answer)["error"] as? String
    }

    private static func shortcuts(_ answer: (status: Int, object: Any?, text: String)) -> [String] {
        (object(answer)["cannedResponses"] as? [[String: Any]] ?? []).compactMap { $0["shortcut"] as? String }
    }

    @Test func onlyAdminsWriteAndBadTextsAreRefusedNamingTheVariable() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("ana@example.com")
        _ = try await app.harness.addAgent("sam@example.com", role: .supervisor)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin@example.com")
            let ana = try await client.login("ana@example.com")
            let sam = try await client.login("sam@example.com")
            let body = #"{"shortcut":"refund-policy","title":"Refund policy","text":"Hi {{contact.name|there}}, refunds take 5 days."}"#
            for token in [ana, sam] {
                let refused = try await client.json("/api/v1/canned-responses", method: .post, token: token, body: body)
                #expect(refused.status == 403 && Self.error(refused) == "only admins write canned responses")
            }
            let created = try await client.json("/api/v1/canned-responses", method: .post, token: admin, body: body)
            #expect(created.status == 201, "\(created.text)")
            let saved = Self.object(created)
            let id = try #require(saved["id"] as? Int)
            #expect(saved["variables"] as? [String] == ["contact.name"] && saved["teamId"] == nil)
            #expect(saved["text"] as? String == "Hi {{contact.name|there}}, refunds take 5 days.", "kept as written")

            let refusals: [(String, Int, String)] = [
                (#"{"shortcut":"x","title":"X","text":"Your number: {{contact.phone}}"}"#, 400,
                 "text: unknown variable {{contact.phone}}; use contact.name, contact.email, agent.name, conversation.id, channel.name"),
                (#"{"shortcut":"x","title":"X","text":"Hi {{contact.name"}"#, 400, "text: the '{{' at character 4 is never closed with '}}'"),
                (#"{"shortcut":"x","title":"X","text":"  "}"#, 400, "text: must not be empty"),
                (#"{"shortcut":"x","text":"Hi"}"#, 400, "title: must be one line of 1 to 200 characters"),
                (#"{"title":"X","text":"Hi"}"#, 400, "shortcut: is required (e.g. refund-policy)"),
                (#"{"shortcut":"two words","title":"X","text":"Hi"}"#, 400,
                 "shortcut: 'two words' is not 1 to 64 letters, digits, '-', '_' or '.' (e.g. refund-policy)"),
                (#"{"shortcut":"x","title":"X","text":"Hi","teamId":9}"#, 400, "teamId: no team 9"),
                (#"{"shortcut":"REFUND-policy","title":"X","text":"Hi"}"#, 409, "the shortcut 'REFUND-policy' is already taken"),
            ]
            for (refusedBody, status, reason) in refusals {
                let answer = try await client.json("/api/v1/canned-responses", method: .post, token: admin, body: refusedBody)
                #expect(answer.status == status && Self.error(answer) == reason, "\(refusedBody): \(answer.text)")
            }
            #expect(Self.shortcuts(try await client.json("/api/v1/canned-responses", token: ana)) == ["refund-policy"], "nothing else was stored")

            let update = #"{"shortcut":"refund-policy","title":"Refunds","text":"Refunds take {{ conversation.id }} days."}"#
            #expect(try await client.json("/api/v1/canned-responses/\(id)", method: .put, token: ana, body: update).status == 403)
            let updated = try await client.json("/api/v1/canned-responses/\(id)", method: .put, token: admin, body: update)
            #expect(updated.status == 200 && Self.object(updated)["title"] as? String == "Refunds", "\(updated.text)")
            #expect(Self.object(updated)["variables"] as? [String] == ["conversation.id"])
            let read = try await client.json("/api/v1/canned-responses/\(id)", token: ana)
            #expect(Self.object(read)["text"] as? String == "Refunds take {{ conversation.id }} days.")
            #expect(try await client.json("/api/v1/canned-responses/99", method: .put, token: admin, body: update).status == 404)

            #expect(try await client.json("/api/v1/canned-responses/\(id)", method: .delete, token: ana).status == 403)
            #expect(try await client.json("/api/v1/canned-responses/\(id)", method: .delete, token: admin).status == 204)
            let gone = try await client.json("/api/v1/canned-responses/\(id)", token: admin)
            #expect(gone.status == 404 && Self.error(gone) == "canned response \(id) not found")
            #expect(try await client.json("/api/v1/canned-responses/\(id)", method: .delete, token: admin).status == 404)
        }
    }

    @Test func aTeamsResponsesAreForItsMembers() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let ana = try await app.harness.addAgent("ana@example.com")
        _ = try await app.harness.addAgent("ben@example.com")
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin@example.com")
            let team = try #require(Self.object(try await client.json(
                "/api/v1/teams", method: .post, token: admin, body: #"{"name":"Billing"}"#
            ))["id"] as? Int)
            #expect(try await client.json("/api/v1/teams/\(team)/members/\(ana.id.rawValue)", method: .put, token: admin).status == 204)
            _ = try await client.json("/api/v1/canned-responses", method: .post, token: admin, body: #"{"shortcut":"hello","title":"Hello","text":"Hello!"}"#)
            let scoped = try await client.json("/api/v1/canned-responses", method: .post, token: admin,
                                               body: #"{"shortcut":"invoice","title":"Invoice","text":"Your invoice is attached.","teamId":\#(team)}"#)
            #expect(Self.object(scoped)["teamId"] as? Int == team)
            let invoice = try #require(Self.object(scoped)["id"] as? Int)

            #expect(Self.shortcuts(try await client.json("/api/v1/canned-responses", token: try await client.login("ana@example.com"))) == ["hello", "invoice"])
            let ben = try await client.login("ben@example.com")
            #expect(Self.shortcuts(try await client.json("/api/v1/canned-responses", token: ben)) == ["hello"])
            #expect(try await client.json("/api/v1/canned-responses/\(invoice)", token: ben).status == 404)
            #expect(Self.shortcuts(try await client.json("/api/v1/canned-responses", token: admin)) == ["hello", "invoice"])

            try await client.visitorWrites(app.webChat, token: try await client.visitorToken(app.webChat), clientID: "c1", text: "Hi")
            let conversation = try #require((Self.object(try await client.json("/api/v1/conversations", token: ben))["conversations"] as? [[String: Any]])?.first?["id"] as? Int)
            let refused = try await client.json("/api/v1/conversations/\(conversation)/messages", method: .post, token: ben, body: #"{"canned":"invoice"}"#)
            #expect(refused.status == 400 && Self.error(refused) == "canned: no canned response 'invoice'", "\(refused.text)")
        }
    }

    /// A customer on a channel that gives no name: the fallback fills in, and the platform receives
    /// exactly the text the preview showed, through the outbox like a typed reply.
    @Test(.timeLimit(.minutes(1))) func aCannedReplyReachesThePlatformFilledIn() async throws {
        let transport = ScriptedTransport([])
        let app = try await TestApp(transport: transport)
        defer { app.harness.removeFiles() }
        let ana = try await app.harness.addAgent("ana@example.com")
        let channel = try await app.harness.addRecordingChannel()
        _ = try await app.harness.gateway.handleWebhook(channelID: channel.id, request: app.harness.recordingWebhook([("u1", "m1", "Hello?")]))
        try await app.application().test(.live) { client in
            let admin = try await client.login("admin@example.com")
            let token = try await client.login("ana@example.com")
            let text = "Hi {{contact.name|there}}, this is {{agent.name}} from {{channel.name}} about case {{conversation.id}}.{{contact.email}}"
            let created = try await client.json("/api/v1/canned-responses", method: .post, token: admin,
                                                body: #"{"shortcut":"greet","title":"Greeting","text":"\#(text)"}"#)
            let canned = try #require(Self.object(created)["id"] as? Int, "\(created.text)")
            let conversation = try #require((Self.object(try await client.json("/api/v1/conversations", token: token))["conversations"] as? [[String: Any]])?.first?["id"] as? Int)
            let expected = "Hi there, this is \(ana.name) from Recording about case \(conversation)."

            let preview = try await client.json("/api/v1/conversations/\(conversation)/canned-responses/\(canned)/preview", token: token)
            #expect(preview.status == 200, "\(preview.text)")
            #expect(Self.object(preview)["text"] as? String == expected)
            #expect(Self.object(preview)["missing"] as? [String] == ["contact.name", "contact.email"])
            #expect(try await client.json("/api/v1/conversations/\(conversation)/canned-responses/99/preview", token: token).status == 404)

            let sent = try await client.json("/api/v1/conversations/\(conversation)/messages", method: .post, token: token, body: #"{"cannedId":\#(canned)}"#)
            #expect(sent.status == 202, "\(sent.text)")
            #expect((Self.object(sent)["content"] as? [String: Any])?["text"] as? String == expected)
            #expect((Self.object(sent)["status"] as? [String: Any])?["state"] as? String == "queued", "it went to the outbox")

            var requests: [TransportRequest] = []
            for _ in 0..<500 where requests.isEmpty {
                requests = await transport.requests.filter { $0.url.hasSuffix("/send") }
                if requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            }
            let body = try #require(requests.first).body
            #expect(String(decoding: body, as: UTF8.self) == #"{"text":"\#(expected)","to":"u1"}"#)

            let both = try await client.json("/api/v1/conversations/\(conversation)/messages", method: .post, token: token,
                                             body: #"{"text":"Hi","cannedId":\#(canned)}"#)
            #expect(both.status == 400 && Self.error(both) == "text: give exactly one of text, cannedId and canned")
            let unknown = try await client.json("/api/v1/conversations/\(conversation)/messages", method: .post, token: token, body: #"{"cannedId":99}"#)
            #expect(unknown.status == 400 && Self.error(unknown) == "cannedId: no canned response 99")
            _ = try await client.json("/api/v1/canned-responses", method: .post, token: admin,
                                      body: #"{"shortcut":"name-only","title":"Name","text":" {{contact.name}} "}"#)
            let empty = try await client.json("/api/v1/conversations/\(conversation)/messages", method: .post, token: token, body: #"{"canned":"name-only"}"#)
            #expect(empty.status == 400 && Self.error(empty) == "canned: 'name-only' leaves nothing to send here: no value for contact.name")
            let thread = Self.object(try await client.json("/api/v1/conversations/\(conversation)/messages", token: token))["messages"] as? [[String: Any]]
            #expect(thread?.count == 2, "the customer's message and the one reply: nothing refused was stored")
        }
    }

    /// A web visitor who left their name in the widget gets it in the reply they read.
    @Test func aWebVisitorReadsTheirNameInACannedReply() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin@example.com")
            let visitor = try await client.visitorToken(app.webChat)
            try await client.visitorWrites(app.webChat, token: visitor, clientID: "c1", text: "Hello")
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[.authorization] = "Bearer \(visitor)"
            let left = try await client.execute(uri: "/widget/\(app.webChat.id)/contact", method: .post, headers: headers,
                                                body: ByteBuffer(string: #"{"email":"ana.li@example.com","name":"Ana Li"}"#)) { Int($0.status.code) }
            #expect(left == 204)
            _ = try await client.json("/api/v1/canned-responses", method: .post, token: admin,
                                      body: #"{"shortcut":"thanks","title":"Thanks","text":"Thank you, {{contact.name|there}}! We'll write to {{contact.email}}."}"#)
            let conversation = try #require((Self.object(try await client.json("/api/v1/conversations", token: admin))["conversations"] as? [[String: Any]])?.first?["id"] as? Int)
            let sent = try await client.json("/api/v1/conversations/\(conversation)/messages", method: .post, token: admin, body: #"{"canned":"THANKS"}"#)
            #expect(sent.status == 202, "\(sent.text)")

            let thread = try await client.execute(uri: "/widget/\(app.webChat.id)/messages", method: .get, headers: headers) { response in
                (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any]
            }
            let texts = (thread?["messages"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(texts == ["Hello", "Thank you, Ana Li! We'll write to ana.li@example.com."])
        }
    }
}
