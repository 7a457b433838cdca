import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import ParleyCore
import Testing

/// Labels as agents use them from the workbench: tag a conversation, find it by its label, see
/// the labels in use, and watch a colleague's change arrive on the live stream.
@Suite("Labels API")
struct LabelRouteTests {
    private static func object(_ answer: (status: Int, object: Any?, text: String)) -> [String: Any] {
        answer.object as? [String: Any] ?? [:]
    }

    private static func ids(_ answer: (status: Int, object: Any?, text: String)) -> [Int] {
        (object(answer)["conversations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
    }

    /// The conversation of the next `conversation.updated` frame.
    private static func nextUpdate(_ iterator: inout AsyncStream<String>.Iterator) async -> [String: Any]? {
        while let text = await iterator.next() {
            let frame = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
            if frame?["type"] as? String == "conversation.updated" { return frame?["conversation"] as? [String: Any] }
        }
        return nil
    }

    /// Two visitors write; returns their conversations' ids, oldest first.
    private static func twoConversations(_ client: some TestClientProtocol, _ app: TestApp, token: String) async throws -> (Int, Int) {
        for (n, text) in ["Where is my refund?", "Hello"].enumerated() {
            try await client.visitorWrites(app.webChat, token: try await client.visitorToken(app.webChat), clientID: "c\(n)", text: text)
        }
        let list = ids(try await client.json("/api/v1/conversations", token: token))
        let sorted = list.sorted()
        guard sorted.count == 2 else { throw TestFailure("expected two conversations, got \(list)") }
        return (sorted[0], sorted[1])
    }

    @Test func agentsLabelFilterAndCountConversations() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("ana@example.com")
        try await app.application().test(.router) { client in
            let ana = try await client.login("ana@example.com")
            let (first, second) = try await Self.twoConversations(client, app, token: ana)
            let before = Self.object(try await client.json("/api/v1/conversations/\(first)", token: ana))
            #expect(before["labels"] as? [String] == [])

            let added = try await client.json("/api/v1/conversations/\(first)/labels/Refund", method: .put, token: ana)
            #expect(added.status == 200, "\(added.text)")
            #expect(Self.object(added)["labels"] as? [String] == ["refund"], "stored trimmed and in lower case")
            let again = try await client.json("/api/v1/conversations/\(first)/labels/refund", method: .put, token: ana)
            #expect(again.status == 200 && Self.object(again)["labels"] as? [String] == ["refund"], "adding it twice keeps one")
            let spaced = try await client.json("/api/v1/conversations/\(first)/labels/%20VIP%20customer", method: .put, token: ana)
            #expect(Self.object(spaced)["labels"] as? [String] == ["refund", "vip customer"])
            let chinese = try await client.json("/api/v1/conversations/\(second)/labels/%E9%80%80%E6%AC%BE", method: .put, token: ana)
            #expect(Self.object(chinese)["labels"] as? [String] == ["退款"])
            _ = try await client.json("/api/v1/conversations/\(second)/labels/refund", method: .put, token: ana)

            let detail = Self.object(try await client.json("/api/v1/conversations/\(first)", token: ana))
            #expect(detail["labels"] as? [String] == ["refund", "vip customer"])
            #expect(detail["updatedAt"] as? String == before["updatedAt"] as? String, "a label is no activity: the list order and reopen window stay")
            let listed = Self.object(try await client.json("/api/v1/conversations", token: ana))["conversations"] as? [[String: Any]] ?? []
            #expect(listed.first { $0["id"] as? Int == second }?["labels"] as? [String] == ["refund", "退款"])

            #expect(Self.ids(try await client.json("/api/v1/conversations?label=vip%20customer", token: ana)) == [first])
            #expect(Set(Self.ids(try await client.json("/api/v1/conversations?label=REFUND", token: ana))) == [first, second])
            #expect(Self.ids(try await client.json("/api/v1/conversations?label=shipping", token: ana)) == [])
            let counts = Self.object(try await client.json("/api/v1/labels", token: ana))["labels"] as? [[String: Any]] ?? []
            #expect(counts.map { "\($0["label"] ?? "")=\($0["conversations"] ?? "")" } == ["refund=2", "vip customer=1", "退款=1"])

            let removed = try await client.json("/api/v1/conversations/\(first)/labels/REFUND", method: .delete, token: ana)
            #expect(removed.status == 200 && Self.object(removed)["labels"] as? [String] == ["vip customer"])
            let absent = try await client.json("/api/v1/conversations/\(first)/labels/refund", method: .delete, token: ana)
            #expect(absent.status == 200 && Self.object(absent)["labels"] as? [String] == ["vip customer"], "removing an absent label is fine")
            #expect(Self.ids(try await client.json("/api/v1/conversations?label=refund", token: ana)) == [second])
        }
    }

    @Test func badLabelsAreRefusedNamingTheFieldAndNothingIsWritten() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("ana@example.com")
        _ = try await app.harness.addAgent("ben@example.com")
        try await app.application().test(.router) { client in
            let ana = try await client.login("ana@example.com")
            let ben = try await client.login("ben@example.com")
            let (first, _) = try await Self.twoConversations(client, app, token: ana)
            let refusals = [
                ("%20%20", "label: must not be empty"),
                (String(repeating: "x", count: 65), "label: longer than 64 characters"),
                ("two%0Alines", "label: must not contain control characters"),
                ("%E9%80", "label: '%E9%80' is not valid percent-encoding"),
            ]
            for (label, reason) in refusals {
                let answer = try await client.json("/api/v1/conversations/\(first)/labels/\(label)", method: .put, token: ana)
                #expect(answer.status == 400 && Self.object(answer)["error"] as? String == reason, "\(label): \(answer.text)")
            }
            #expect(try await client.json("/api/v1/conversations?label=", token: ana).status == 200, "an empty filter is ignored, as status and assignee are")
            let blank = try await client.json("/api/v1/conversations?label=%20", token: ana)
            #expect(blank.status == 400 && Self.object(blank)["error"] as? String == "label: must not be empty")
            let badFilter = try await client.json("/api/v1/conversations?label=\(String(repeating: "y", count: 65))", token: ana)
            #expect(badFilter.status == 400 && Self.object(badFilter)["error"] as? String == "label: longer than 64 characters")
            #expect((Self.object(try await client.json("/api/v1/labels", token: ana))["labels"] as? [Any])?.isEmpty == true)

            // Once Ana has it, Ben may not see it, so he may not label it either.
            #expect(try await client.json("/api/v1/conversations/\(first)/assign", method: .post, token: ana, body: #"{"agentId":"me"}"#).status == 200)
            let hidden = try await client.json("/api/v1/conversations/\(first)/labels/refund", method: .put, token: ben)
            #expect(hidden.status == 404 && Self.object(hidden)["error"] as? String == "conversation \(first) not found")
            let unknown = try await client.json("/api/v1/conversations/999/labels/refund", method: .delete, token: ana)
            #expect(unknown.status == 404)
            #expect((Self.object(try await client.json("/api/v1/labels", token: ana))["labels"] as? [Any])?.isEmpty == true, "nothing was written")
        }
    }

    /// Ben labels a conversation while Ana watches the stream: she gets `conversation.updated` with
    /// the labels; labelling it again sends nothing (the next event she sees is the removal).
    @Test(.timeLimit(.minutes(1))) func aLabelChangeReachesTheAgentStream() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("ana@example.com")
        _ = try await app.harness.addAgent("ben@example.com")
        try await app.application().test(.live) { client in
            let port = try #require(client.port)
            let ana = try await client.login("ana@example.com")
            let ben = try await client.login("ben@example.com")
            let (first, _) = try await Self.twoConversations(client, app, token: ben)

            // The services that follow the bus (routing, the bot) subscribed when the server started;
            // Ana's stream is live once it adds one more.
            let bus = app.harness.gateway.bus
            let before = bus.subscriberCount
            let (frames, sink) = AsyncStream.makeStream(of: String.self)
            let stream = Task {
                var logger = Logger(label: "label-stream")
                logger.logLevel = .critical
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/stream?token=\(ana)", logger: logger) { inbound, _, _ in
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        if case .text(let text) = message { sink.yield(text) }
                    }
                }
            }
            defer { stream.cancel() }
            while bus.subscriberCount <= before { try await Task.sleep(for: .milliseconds(10)) }

            var iterator = frames.makeAsyncIterator()
            #expect(try await client.json("/api/v1/conversations/\(first)/labels/refund", method: .put, token: ben).status == 200)
            let added = await Self.nextUpdate(&iterator)
            #expect(added?["id"] as? Int == first && added?["labels"] as? [String] == ["refund"])
            #expect(try await client.json("/api/v1/conversations/\(first)/labels/refund", method: .put, token: ben).status == 200)
            #expect(try await client.json("/api/v1/conversations/\(first)/labels/refund", method: .delete, token: ben).status == 200)
            let removed = await Self.nextUpdate(&iterator)
            #expect(removed?["id"] as? Int == first && removed?["labels"] as? [String] == [], "the repeated PUT published nothing")
        }
    }
}
