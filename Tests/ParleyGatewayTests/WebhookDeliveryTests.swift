import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing

@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    /// A recording channel, an admin, and a subscriber behind `transport`.
    private struct Setup {
        let harness: TestGateway
        let transport: ScriptedTransport
        let channel: Channel
        let admin: Agent

        init(_ transport: ScriptedTransport, channelSettings: [String: String] = ["apiBaseURL": "http://127.0.0.1:9"]) async throws {
            self.transport = transport
            harness = try TestGateway(transport: transport)
            channel = try await harness.addRecordingChannel(settings: channelSettings)
            admin = try await harness.addAgent("admin@example.com", role: .admin)
        }

        func subscribe(_ events: [String] = ["*"], url: String = "https://hooks.example/parley", includeNotes: Bool = false) async throws
            -> WebhookAdministration.WithSecret
        {
            try await harness.gateway.createWebhook(url: url, eventTypes: events, includeNotes: includeNotes, by: admin)
        }

        /// The customer `from` writes each text (one webhook per text, so one commit each).
        func customer(_ from: String, writes texts: [String]) async throws {
            for text in texts {
                _ = try await harness.gateway.handleWebhook(
                    channelID: channel.id, request: harness.recordingWebhook([(from, "\(from)-\(text)", text)])
                )
            }
        }

        /// Relays and delivers until `done`, moving the clock by `step` between passes.
        func pump(step: TimeInterval = 1, passes: Int = 200, until done: () async throws -> Bool) async throws {
            for _ in 0..<passes {
                await harness.gateway.webhookRelay.relayPending()
                await harness.gateway.webhookDeliverer.deliverDue()
                if try await done() { return }
                harness.clock.advance(by: step)
            }
            Issue.record("not done after \(passes) passes")
        }

        func subscription(_ id: WebhookID) async throws -> WebhookSubscription {
            try await harness.gateway.webhook(id, for: admin)
        }
    }

    private static func json(_ request: TransportRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
    }

    private static func text(_ payload: [String: Any]) -> String? {
        ((payload["message"] as? [String: Any])?["content"] as? [String: Any])?["text"] as? String
    }

    /// The headers, byte for byte, for a known secret, body and timestamp; the signature is the
    /// one Python's `hmac.new(secret.encode(), b"1800000000." + body, hashlib.sha256).hexdigest()` gives.
    @Test func aRequestCarriesTheDocumentedHeadersAndSignature() {
        let job = WebhookDeliveryJob(
            id: 42, subscriptionID: WebhookID(7), url: "https://hooks.example/parley", sealedSecret: [],
            eventType: "message.created", payload: #"{"type":"message.created"}"#, attempts: 3
        )
        let request = WebhookDeliverer.request(
            for: job, secret: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", timestamp: 1_800_000_000
        )
        #expect(request.method == "POST" && request.url == "https://hooks.example/parley")
        #expect(request.body == Array(#"{"type":"message.created"}"#.utf8))
        #expect(request.headers == [
            "Content-Type": "application/json",
            "User-Agent": "Parley-Webhooks/1",
            "X-Parley-Event": "message.created",
            "X-Parley-Delivery": "42",
            "X-Parley-Timestamp": "1800000000",
            "X-Parley-Signature": "sha256=61011089a5796444d0aeceb362fbd54134d44b97e3541f5a67ed19eac2ffe489",
        ])
    }

    /// End to end through the relay: the secret handed out at creation signs what the subscriber
    /// receives, at the attempt's own time, and the body is the agent stream's shape.
    @Test func aSubscriberReceivesSignedEventsInTheStreamShape() async throws {
        let setup = try await Setup(ScriptedTransport([], then: .accept))
        defer { setup.harness.removeFiles() }
        let created = try await setup.subscribe()
        #expect(created.secret.count == 64 && created.secret.allSatisfy(\.isHexDigit) && created.secret == created.secret.lowercased())
        try await setup.customer("alice", writes: ["hello"])
        let start = Int(setup.harness.clock.now().timeIntervalSince1970)
        // One delivery per pass (one in flight per subscription), a second apart.
        try await setup.pump { await setup.transport.requests.count == 2 }

        let requests = await setup.transport.requests
        #expect(requests.map { $0.headers["X-Parley-Event"] } == ["conversation.created", "message.created"])
        #expect(requests.map { $0.headers["X-Parley-Timestamp"] } == ["\(start)", "\(start + 1)"])
        for request in requests {
            let timestamp = try #require(request.headers["X-Parley-Timestamp"].flatMap(Int.init))
            #expect(request.headers["X-Parley-Signature"] == WebhookSignature.header(secret: created.secret, timestamp: timestamp, body: request.body))
        }
        let message = try Self.json(requests[1])
        #expect(Set(message.keys) == ["type", "message", "conversation"])
        #expect(Self.text(message) == "hello")
        let conversation = try #require(message["conversation"] as? [String: Any])
        #expect(conversation["externalId"] as? String == "alice" && conversation["status"] as? String == "queued")
        #expect(conversation["replyWindow"] == nil && conversation["timers"] == nil, "no workbench countdowns in a webhook")
    }

    /// 500s, timeouts and a 503 with Retry-After, then the subscriber recovers: each event arrives
    /// (2xx) exactly once, in commit order, every retry repeating the same delivery id and body,
    /// and no retry comes before its backoff.
    @Test func aFailingSubscriberRecoversWithoutLostOrReorderedEvents() async throws {
        let failures: [ScriptedTransport.Step] = [
            .respond(TransportResponse(status: 500, body: Array("boom".utf8))), .timeout,
            .respond(TransportResponse(status: 503, headers: ["Retry-After": "30"])), .timeout,
        ]
        let setup = try await Setup(ScriptedTransport(failures, then: .accept))
        defer { setup.harness.removeFiles() }
        let created = try await setup.subscribe(["message.created"])
        try await setup.customer("alice", writes: ["one", "two", "three"])

        await setup.harness.gateway.webhookRelay.relayPending()
        #expect(await setup.harness.gateway.webhookDeliverer.deliverDue() == 1, "one in flight per subscription")
        #expect(await setup.harness.gateway.webhookDeliverer.deliverDue() == 0, "the retry waits for its backoff (1 s)")
        var log = try await setup.harness.gateway.webhookDeliveries(created.subscription.id, limit: 10, for: setup.admin)
        #expect(log.map(\.state) == [.pending, .pending, .pending])
        #expect(log.last?.lastStatus == 500 && log.last?.lastError == "HTTP 500: boom" && log.last?.attempts == 1)

        try await setup.pump { try await setup.subscription(created.subscription.id).pendingDeliveries == 0 }
        let requests = await setup.transport.requests
        #expect(requests.count == 7, "4 failed attempts, then each event once")
        let ids = requests.map { $0.headers["X-Parley-Delivery"] ?? "" }
        #expect(Set(ids.prefix(5)).count == 1, "every attempt of the first event carries its delivery id")
        #expect(Set(requests.prefix(5).map(\.body)).count == 1, "and the same body")
        let delivered = Array(requests.suffix(3))
        #expect(delivered.map { try! Self.text(Self.json($0)) } == ["one", "two", "three"])
        let deliveredIDs = delivered.compactMap { $0.headers["X-Parley-Delivery"].flatMap(Int64.init) }
        #expect(deliveredIDs == deliveredIDs.sorted() && Set(deliveredIDs).count == 3)
        // Backoff 1 s, 2 s, then the subscriber's Retry-After (30 s), then 8 s: at least 41 s between first and last.
        let timestamps = requests.prefix(5).compactMap { $0.headers["X-Parley-Timestamp"].flatMap(Int.init) }
        #expect(zip(timestamps, timestamps.dropFirst()).map { $1 - $0 } == [1, 2, 30, 8])

        log = try await setup.harness.gateway.webhookDeliveries(created.subscription.id, limit: 10, for: setup.admin)
        #expect(log.map(\.state) == [.delivered, .delivered, .delivered])
        #expect(log.map(\.attempts) == [1, 1, 5])
        let subscription = try await setup.subscription(created.subscription.id)
        #expect(setup.harness.gateway.webhookStatus(subscription) == .active && subscription.consecutiveFailures == 0)
        #expect(subscription.lastError == nil && subscription.lastStatus == 200)
        let metrics = setup.harness.registry.emitToString()
        #expect(metrics.contains(#"parley_webhook_deliveries_total{result="delivered"} 3"#))
        #expect(metrics.contains(#"parley_webhook_deliveries_total{result="retry"} 4"#))
    }

    /// Past the policy's attempts the subscription shows `failing` with the last error; nothing is
    /// dropped and the head keeps being tried at the longest backoff until the subscriber is back.
    @Test func aSubscriberDownForLongIsFailingButNothingIsDropped() async throws {
        let down = Array(repeating: ScriptedTransport.Step.respond(TransportResponse(status: 502)), count: 9)
        let setup = try await Setup(ScriptedTransport(down, then: .accept))
        defer { setup.harness.removeFiles() }
        let created = try await setup.subscribe(["message.created"])
        try await setup.customer("alice", writes: ["one", "two"])
        await setup.harness.gateway.webhookRelay.relayPending()
        for _ in 0..<9 {
            #expect(await setup.harness.gateway.webhookDeliverer.deliverDue() == 1)
            setup.harness.clock.advance(by: 60)  // the test policy's longest delay
        }
        let failing = try await setup.subscription(created.subscription.id)
        #expect(setup.harness.gateway.webhookStatus(failing) == .failing)
        #expect(failing.consecutiveFailures == 9 && failing.lastStatus == 502 && failing.lastError == "HTTP 502")
        #expect(failing.pendingDeliveries == 2)
        let log = try await setup.harness.gateway.webhookDeliveries(created.subscription.id, limit: 10, for: setup.admin)
        let next = try #require(log.last?.nextAttemptAt)
        #expect(next.timeIntervalSince(setup.harness.clock.now()) <= 0, "due again, at the 60 s cap, not given up")

        try await setup.pump { try await setup.subscription(created.subscription.id).pendingDeliveries == 0 }
        let texts = await setup.transport.requests.suffix(2).map { try! Self.text(Self.json($0)) }
        #expect(texts == ["one", "two"])
        #expect(setup.harness.gateway.webhookStatus(try await setup.subscription(created.subscription.id)) == .active)
    }

    /// One subscriber failing holds back only its own queue.
    @Test func aFailingSubscriberDoesNotHoldBackAnother() async throws {
        let setup = try await Setup(ScriptedTransport([], then: .accept))
        defer { setup.harness.removeFiles() }
        let broken = try await setup.subscribe(["message.created"], url: "http://127.0.0.1:9/broken")
        let healthy = try await setup.subscribe(["message.created"], url: "https://hooks.example/healthy")
        try await setup.customer("alice", writes: ["one", "two"])
        await setup.harness.gateway.webhookRelay.relayPending()
        // The broken one's first delivery (queued first: it subscribed first) is claimed and never
        // answered, as if its request hung: its lease holds it for an hour.
        let stuck = try await setup.harness.store.claimDueWebhookDeliveries(now: setup.harness.clock.now(), limit: 1, lease: 3_600)
        #expect(stuck.map(\.subscriptionID) == [broken.subscription.id])
        try await setup.pump { try await setup.subscription(healthy.subscription.id).pendingDeliveries == 0 }
        let urls = await setup.transport.requests.map(\.url)
        #expect(urls == ["https://hooks.example/healthy", "https://hooks.example/healthy"])
        #expect(try await setup.subscription(broken.subscription.id).pendingDeliveries == 2)
    }

    /// Disabled: nothing new is queued and nothing is sent. Enabled again: what waited goes out,
    /// and what happened while it was off does not.
    @Test func aDisabledSubscriptionStopsAndResumesWhereItWas() async throws {
        let setup = try await Setup(ScriptedTransport([], then: .accept))
        defer { setup.harness.removeFiles() }
        let created = try await setup.subscribe(["message.created"])
        let id = created.subscription.id
        try await setup.customer("alice", writes: ["before"])
        await setup.harness.gateway.webhookRelay.relayPending()
        let disabled = try await setup.harness.gateway.updateWebhook(id, url: nil, eventTypes: nil, includeNotes: nil, active: false, by: setup.admin)
        #expect(setup.harness.gateway.webhookStatus(disabled) == .disabled)

        try await setup.customer("alice", writes: ["while off"])
        for _ in 0..<3 {
            await setup.harness.gateway.webhookRelay.relayPending()
            await setup.harness.gateway.webhookDeliverer.deliverDue()
            setup.harness.clock.advance(by: 60)
        }
        #expect(await setup.transport.requests.isEmpty)
        #expect(try await setup.subscription(id).pendingDeliveries == 1, "the queue did not grow")
        #expect(try await setup.harness.store.nextWebhookDeliveryDue() == nil, "nothing to wake for")

        _ = try await setup.harness.gateway.updateWebhook(id, url: nil, eventTypes: nil, includeNotes: nil, active: true, by: setup.admin)
        try await setup.customer("alice", writes: ["after"])
        try await setup.pump { try await setup.subscription(id).pendingDeliveries == 0 }
        #expect(await setup.transport.requests.map { try! Self.text(Self.json($0)) } == ["before", "after"])
    }

    /// Internal notes (the escalation note here) reach only a subscription that asked for them,
    /// even one subscribed to everything.
    @Test func internalNotesGoOnlyToSubscriptionsThatAskForThem() async throws {
        let setup = try await Setup(
            ScriptedTransport([], then: .accept), channelSettings: ["apiBaseURL": "http://127.0.0.1:9", "agentReplyTimeout": "5m"]
        )
        defer { setup.harness.removeFiles() }
        _ = try await setup.subscribe(["*"], url: "https://hooks.example/everything")
        _ = try await setup.subscribe(["message.created"], url: "https://hooks.example/notes", includeNotes: true)
        try await setup.customer("alice", writes: ["anyone there?"])
        setup.harness.clock.advance(by: 5 * 60)
        #expect(await setup.harness.gateway.scheduler.fireDue() == 1)
        try await setup.pump { await setup.transport.requests.count == 5 }

        var received: [String: [String]] = [:]
        for request in await setup.transport.requests {
            let payload = try Self.json(request)
            let direction = (payload["message"] as? [String: Any])?["direction"] as? String
            received[request.url, default: []].append([payload["type"] as? String, direction].compactMap { $0 }.joined(separator: " "))
        }
        #expect(received["https://hooks.example/everything"] == ["conversation.created", "message.created inbound", "conversation.updated"])
        #expect(received["https://hooks.example/notes"] == ["message.created inbound", "message.created note"])
    }
}
