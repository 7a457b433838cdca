import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing

@Suite("Dispatcher")
struct DispatcherTests {
    private func conversationWithReplies(_ harness: TestGateway, _ texts: [String]) async throws -> (Conversation, [Message]) {
        let channel = try await harness.addRecordingChannel(settings: ["apiBaseURL": "http://127.0.0.1:9"])
        let agent = try await harness.addAgent(role: .admin)
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("alice", "in1", "help")]))
        let conversation = try await harness.store.conversations(ConversationFilter())[0]
        var replies: [Message] = []
        for text in texts { replies.append(try await harness.gateway.reply(to: conversation.id, text: text, by: agent)) }
        return (conversation, replies)
    }

    /// The platform fails with 500s and timeouts, then recovers: every reply arrives once, in order.
    @Test func failuresThenRecoveryDeliverEveryReplyOnceInOrder() async throws {
        let transport = ScriptedTransport([
            .respond(TransportResponse(status: 500)), .timeout, .respond(TransportResponse(status: 503)), .timeout,
        ], then: .accept)
        let harness = try TestGateway(transport: transport)
        defer { harness.removeFiles() }
        let (_, replies) = try await conversationWithReplies(harness, ["one", "two", "three"])

        var passes = 0
        while passes < 20 {
            passes += 1
            await harness.gateway.dispatcher.drainDue()
            let statuses = try await harness.store.messages(in: replies[0].conversationID, before: nil, limit: 10).filter { $0.direction == .outbound }.map(\.status)
            if statuses.allSatisfy({ $0 == .sent }) { break }
            harness.clock.advance(by: 120)
        }
        let requests = await transport.requests
        let bodies = requests.map { String(decoding: $0.body, as: UTF8.self) }
        // 4 failed attempts of "one" first, then each reply once, in order.
        #expect(bodies == Array(repeating: #"{"text":"one","to":"alice"}"#, count: 5) + [#"{"text":"two","to":"alice"}"#, #"{"text":"three","to":"alice"}"#])
        let messages = try await harness.store.messages(in: replies[0].conversationID, before: nil, limit: 10).filter { $0.direction == .outbound }
        #expect(messages.map(\.status) == [.sent, .sent, .sent])
        #expect(messages.map(\.platformMessageID) == ["pid-1", "pid-2", "pid-3"])
    }

    /// Retries wait for their backoff: nothing is re-sent before the clock reaches it.
    @Test func retryWaitsForBackoffAndRetryAfter() async throws {
        let transport = ScriptedTransport([.respond(TransportResponse(status: 429, headers: ["Retry-After": "30"]))])
        let harness = try TestGateway(transport: transport)
        defer { harness.removeFiles() }
        _ = try await conversationWithReplies(harness, ["one"])
        #expect(await harness.gateway.dispatcher.drainDue() == 1)
        harness.clock.advance(by: 29)
        #expect(await harness.gateway.dispatcher.drainDue() == 0)
        harness.clock.advance(by: 2)
        #expect(await harness.gateway.dispatcher.drainDue() == 1)
        #expect(await transport.requests.count == 2)
    }

    /// A permanent refusal dead-letters the reply with the reason, and the next one still goes.
    @Test(.timeLimit(.minutes(1))) func permanentFailureIsDeadLetteredWithReason() async throws {
        let transport = ScriptedTransport([.respond(TransportResponse(status: 403))])
        let harness = try TestGateway(transport: transport)
        defer { harness.removeFiles() }
        let events = harness.gateway.bus.subscribe()
        let (_, replies) = try await conversationWithReplies(harness, ["blocked", "after"])
        await harness.gateway.dispatcher.drainDue()
        await harness.gateway.dispatcher.drainDue()
        let messages = try await harness.store.messages(in: replies[0].conversationID, before: nil, limit: 10).filter { $0.direction == .outbound }
        #expect(messages.map(\.status) == [.failed(reason: "platform refused the message (403)"), .sent])
        var sawFailure = false
        for await event in events {
            if case .messageUpdated(let message) = event, message.id == replies[0].id {
                #expect(message.status == .failed(reason: "platform refused the message (403)"))
                sawFailure = true
                break
            }
        }
        #expect(sawFailure)
    }

    /// Retries run out: the reply is dead-lettered, naming the attempts and the last error.
    @Test func exhaustedRetriesDeadLetter() async throws {
        let transport = ScriptedTransport([], then: .respond(TransportResponse(status: 502)))
        let harness = try TestGateway(transport: transport, retry: RetryPolicy(initialDelay: 1, maximumDelay: 10, maximumAttempts: 3, jitter: 0))
        defer { harness.removeFiles() }
        let (_, replies) = try await conversationWithReplies(harness, ["doomed"])
        for _ in 0..<5 {
            await harness.gateway.dispatcher.drainDue()
            harness.clock.advance(by: 60)
        }
        let message = try await harness.store.messages(in: replies[0].conversationID, before: nil, limit: 10).last!
        #expect(message.status == .failed(reason: "gave up after 3 attempts: platform error 502"))
        #expect(await transport.requests.count == 3)
    }

    @Test func backoffGrowsAndIsCapped() {
        let policy = RetryPolicy(initialDelay: 2, maximumDelay: 60, maximumAttempts: 10, jitter: 0)
        #expect(policy.delay(afterAttempts: 1, retryAfter: nil) == 2)
        #expect(policy.delay(afterAttempts: 2, retryAfter: nil) == 4)
        #expect(policy.delay(afterAttempts: 4, retryAfter: nil) == 16)
        #expect(policy.delay(afterAttempts: 9, retryAfter: nil) == 60)
        #expect(policy.delay(afterAttempts: 10, retryAfter: nil) == nil)
        #expect(policy.delay(afterAttempts: 1, retryAfter: 30) == 30)
    }

    /// Telegram allows about one message a second to a chat (short bursts tolerated): a burst of
    /// replies goes out three at once, then one a second, none lost and none counted as failed.
    @Test func repliesToOneChatArePacedAtThePlatformsRate() async throws {
        let transport = ScriptedTransport([], then: .accept)
        let harness = try TestGateway(transport: transport)
        defer { harness.removeFiles() }
        let (conversation, _) = try await conversationWithReplies(harness, ["1", "2", "3", "4", "5"])
        for _ in 0..<8 { await harness.gateway.dispatcher.drainDue() }
        #expect(await transport.requests.count == 3, "the burst")
        harness.clock.advance(by: 1)
        for _ in 0..<3 { await harness.gateway.dispatcher.drainDue() }
        #expect(await transport.requests.count == 4)
        harness.clock.advance(by: 1)
        for _ in 0..<3 { await harness.gateway.dispatcher.drainDue() }
        let bodies = await transport.requests.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(bodies == (1...5).map { #"{"text":"\#($0)","to":"alice"}"# })
        let outbound = try await harness.store.messages(in: conversation.id, before: nil, limit: 10).filter { $0.direction == .outbound }
        #expect(outbound.map(\.status) == Array(repeating: .sent, count: 5))
    }

    /// A customer who replied STOP is not messaged: the reply fails with the reason the agent
    /// reads, and nothing reaches the platform until they send START.
    @Test func anOptedOutCustomerIsNotMessagedUntilTheyOptBackIn() async throws {
        let transport = ScriptedTransport([], then: .accept)
        let harness = try TestGateway(transport: transport)
        defer { harness.removeFiles() }
        let (conversation, _) = try await conversationWithReplies(harness, [])
        let channel = try await harness.store.channels()[0]
        let agent = try await harness.addAgent("admin2@example.com", role: .admin)
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("alice", "in2", "STOP")]))
        let refused = try await harness.gateway.reply(to: conversation.id, text: "are you sure?", by: agent)
        await harness.gateway.dispatcher.drainDue()
        #expect(await transport.requests.isEmpty)
        var stored = try await harness.store.messages(in: conversation.id, before: nil, limit: 10).first { $0.id == refused.id }
        #expect(stored?.status == .failed(reason: Dispatcher.optedOutReason))

        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("alice", "in3", "START")]))
        let welcome = try await harness.gateway.reply(to: conversation.id, text: "welcome back", by: agent)
        await harness.gateway.dispatcher.drainDue()
        stored = try await harness.store.messages(in: conversation.id, before: nil, limit: 10).first { $0.id == welcome.id }
        #expect(stored?.status == .sent)
        #expect(await transport.requests.map { String(decoding: $0.body, as: UTF8.self) } == [#"{"text":"welcome back","to":"alice"}"#])
    }
}
