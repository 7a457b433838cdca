import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import ParleyCore
import Testing

/// Visitor and agent over real sockets: the visitor writes, the agent sees it live, claims and
/// replies; the visitor sees the reply; replies sent while the visitor is away arrive on
/// reconnect, in order, once.
@Suite("Web chat end to end")
struct WebChatEndToEndTests {
    private static func frames(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    /// Reads frames into `sink` until `until` says stop (or the socket ends).
    private static func connect(
        port: Int, path: String, send: [String] = [], sink: AsyncStream<String>.Continuation,
        until: @escaping @Sendable ([String: Any]) -> Bool
    ) async throws {
        var logger = Logger(label: "ws-test")
        logger.logLevel = .critical
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)\(path)", logger: logger) { inbound, outbound, _ in
            for text in send { try await outbound.write(.text(text)) }
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                sink.yield(text)
                if until(frames(text)) { break }
            }
        }
        sink.finish()
    }

    private static func next(
        _ iterator: inout AsyncStream<String>.Iterator, where match: ([String: Any]) -> Bool
    ) async -> [String: Any]? {
        while let text = await iterator.next() {
            let frame = frames(text)
            if match(frame) { return frame }
        }
        return nil
    }

    /// Polls the store (bounded) until the given messages are marked delivered.
    private static func waitUntilDelivered(_ app: TestApp, _ conversationID: Int, _ ids: [MessageID]) async throws {
        try await waitUntil(app, conversationID, ids, "delivered") { $0.status == .delivered }
    }

    /// Until the dispatcher has settled how each of these replies goes: one it has not reached
    /// yet would go live to a visitor who has come back in the meantime.
    private static func waitUntilHeld(_ app: TestApp, _ conversationID: Int, _ ids: [MessageID]) async throws {
        try await waitUntil(app, conversationID, ids, "held for the visitor's return") { $0.route == .heldForReturn }
    }

    private static func waitUntil(
        _ app: TestApp, _ conversationID: Int, _ ids: [MessageID], _ what: String, _ condition: (Message) -> Bool
    ) async throws {
        for _ in 0..<500 {
            let matching = try await app.harness.store.messages(in: ConversationID(Int64(conversationID)), before: nil, limit: 50)
                .filter { ids.contains($0.id) && condition($0) }
            if matching.count == ids.count { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("messages \(ids) were not all \(what) within 5 s")
    }

    /// The routes `GET /delivery-plan` offers for a reply written now.
    private static func plannedRoutes(_ client: some TestClientProtocol, _ conversationID: Int, _ token: String) async throws -> [String] {
        let plan = try await client.json("/api/v1/conversations/\(conversationID)/delivery-plan", token: token)
        #expect(plan.status == 200, "\(plan.text)")
        let routes = (plan.object as? [String: Any])?["routes"] as? [[String: Any]] ?? []
        return routes.compactMap { $0["route"] as? String }
    }

    @Test(.timeLimit(.minutes(1))) func visitorAgentReplyAndOfflineDelivery() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let bus = app.harness.gateway.bus
        try await app.application().test(.live) { client in
            let port = try #require(client.port)
            let agentToken = try await client.login("admin@example.com")
            let visitorToken = try await client.visitorToken(app.webChat)

            // The agent's live stream.
            let (agentEvents, agentSink) = AsyncStream.makeStream(of: String.self)
            let agentTask = Task {
                try await Self.connect(port: port, path: "/api/v1/stream?token=\(agentToken)", sink: agentSink) { frame in
                    frame["type"] as? String == "message.created"
                        && (frame["message"] as? [String: Any])?["direction"] as? String == "outbound"
                }
            }
            // Three subscribers: the routing service, the bot service and the agent's stream.
            while bus.subscriberCount < 3 { try await Task.sleep(for: .milliseconds(10)) }

            // The visitor writes over its socket and waits for the agent's reply.
            let (visitorFrames, visitorSink) = AsyncStream.makeStream(of: String.self)
            let visitorTask = Task {
                try await Self.connect(
                    port: port, path: "/widget/\(app.webChat.id)/ws?token=\(visitorToken)",
                    send: [#"{"type":"resume","after":0}"#, #"{"type":"message","clientId":"c-1","text":"Hello, I need help"}"#],
                    sink: visitorSink
                ) { frame in
                    (frame["message"] as? [String: Any])?["direction"] as? String == "outbound"
                }
            }

            var agentIterator = agentEvents.makeAsyncIterator()
            let created = try #require(await Self.next(&agentIterator) { $0["type"] as? String == "message.created" })
            let conversation = try #require(created["conversation"] as? [String: Any])
            let conversationID = try #require(conversation["id"] as? Int)
            // Every event carries the countdowns: web chat has no window, and a waiting visitor is
            // escalated (never closed) 10 minutes after writing.
            #expect((conversation["replyWindow"] as? [String: Any])?["state"] as? String == "always")
            let timers = try #require(conversation["timers"] as? [String: String])
            #expect(Set(timers.keys) == ["escalatesAt"])
            let dates = ISO8601DateFormatter()
            dates.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let wrote = try #require((conversation["lastCustomerMessageAt"] as? String).flatMap(dates.date(from:)))
            let escalates = try #require(timers["escalatesAt"].flatMap(dates.date(from:)))
            #expect(abs(escalates.timeIntervalSince(wrote) - 600) < 0.001, "web chat's default agentReplyTimeout is 10 minutes")
            #expect((created["message"] as? [String: Any])?["content"] as? [String: String] == ["type": "text", "text": "Hello, I need help"])

            let claim = try await client.json("/api/v1/conversations/\(conversationID)/assign", method: .post, token: agentToken, body: #"{"agentId":"me"}"#)
            #expect(claim.status == 200)
            #expect((claim.object as? [String: Any])?["status"] as? String == "assigned")
            #expect(try await Self.plannedRoutes(client, conversationID, agentToken) == ["liveSocket"], "the visitor has the chat open")
            let sentAt = Date()
            let reply = try await client.json("/api/v1/conversations/\(conversationID)/messages", method: .post, token: agentToken, body: #"{"text":"Hi! How can I help?"}"#)
            #expect(reply.status == 202)
            #expect(((reply.object as? [String: Any])?["status"] as? [String: Any])?["state"] as? String == "queued")

            var visitorIterator = visitorFrames.makeAsyncIterator()
            let ack = try #require(await Self.next(&visitorIterator) { $0["type"] as? String == "ack" })
            #expect(ack["clientId"] as? String == "c-1")
            let echoed = try #require(await Self.next(&visitorIterator) { ($0["message"] as? [String: Any])?["direction"] as? String == "inbound" })
            #expect((echoed["message"] as? [String: Any])?["clientId"] as? String == "c-1")
            let delivered = try #require(await Self.next(&visitorIterator) { ($0["message"] as? [String: Any])?["direction"] as? String == "outbound" })
            #expect((delivered["message"] as? [String: Any])?["text"] as? String == "Hi! How can I help?")
            #expect(Date().timeIntervalSince(sentAt) < 1, "the reply took more than a second to reach the visitor")
            let lastSeen = try #require((delivered["message"] as? [String: Any])?["id"] as? Int)
            try await visitorTask.value
            try await agentTask.value
            // Gone: a reply waits for the visitor's return; nothing else can reach them yet.
            var routes: [String] = []
            for _ in 0..<500 {
                routes = try await Self.plannedRoutes(client, conversationID, agentToken)
                if routes != ["liveSocket"] { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(routes == ["heldForReturn"])

            // The visitor is gone; the agent replies twice.
            for text in ["First while you were away", "Second while you were away"] {
                #expect(try await client.json("/api/v1/conversations/\(conversationID)/messages", method: .post, token: agentToken, body: #"{"text":"\#(text)"}"#).status == 202)
            }

            let held = [lastSeen + 1, lastSeen + 2].map { MessageID(Int64($0)) }
            try await Self.waitUntilHeld(app, conversationID, held)

            // The visitor returns with its token and cursor and gets both, in order, once; then a
            // live reply closes the check, so any duplicate would have shown up before it.
            let (returnFrames, returnSink) = AsyncStream.makeStream(of: String.self)
            let returnTask = Task {
                try await Self.connect(
                    port: port, path: "/widget/\(app.webChat.id)/ws?token=\(visitorToken)",
                    send: [#"{"type":"resume","after":\#(lastSeen)}"#], sink: returnSink
                ) { frame in (frame["message"] as? [String: Any])?["text"] as? String == "Third, live" }
            }
            // Wait until the socket has taken both held replies (they turn "delivered"), then reply live.
            try await Self.waitUntilDelivered(app, conversationID, held)
            #expect(try await client.json("/api/v1/conversations/\(conversationID)/messages", method: .post, token: agentToken, body: #"{"text":"Third, live"}"#).status == 202)
            try await returnTask.value
            var texts: [String] = []
            for await text in returnFrames {
                if let message = Self.frames(text)["message"] as? [String: Any] { texts.append(message["text"] as? String ?? "") }
            }
            #expect(texts == ["First while you were away", "Second while you were away", "Third, live"])

            // Each counts as delivered once the visitor's socket took it (the socket can show the
            // live reply a moment before the dispatcher records its route, so wait for that first).
            try await Self.waitUntilDelivered(app, conversationID, (2...5).map { MessageID(Int64($0)) })
            let stored = try await app.harness.store.messages(in: ConversationID(Int64(conversationID)), before: nil, limit: 50)
            let taken: [DeliveryRoute?] = stored.filter { $0.direction == .outbound }.map(\.route)
            let expected: [DeliveryRoute?] = [.liveSocket, .heldForReturn, .heldForReturn, .liveSocket]
            #expect(taken == expected, "each reply names how it reached the visitor")
            let messages = try await client.json("/api/v1/conversations/\(conversationID)/messages", token: agentToken)
            let outbound = ((messages.object as? [String: Any])?["messages"] as? [[String: Any]] ?? []).filter { $0["direction"] as? String == "outbound" }
            #expect(outbound.count == 4)
            #expect(outbound.compactMap { ($0["status"] as? [String: Any])?["state"] as? String } == ["delivered", "delivered", "delivered", "delivered"])
        }
    }
}
