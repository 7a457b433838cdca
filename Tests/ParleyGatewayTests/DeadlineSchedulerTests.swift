import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing

@Suite("Deadline scheduler")
struct DeadlineSchedulerTests {
    private static let settings = [
        "apiBaseURL": "http://127.0.0.1:9", "idleTimeout": "10m", "nudgeBefore": "2m", "agentReplyTimeout": "5m",
        "nudgeText": "Are you still there?", "closeText": "Closing this chat now.",
    ]

    private struct Setup {
        let harness: TestGateway
        let channel: Channel
        let agent: Agent
        let conversation: Conversation
    }

    /// A recording channel with short timers, a customer's first message, and an admin agent.
    private func setUp(_ harness: TestGateway, settings: [String: String] = settings) async throws -> Setup {
        let channel = try await harness.addRecordingChannel(settings: settings)
        let agent = try await harness.addAgent(role: .admin)
        _ = try await harness.gateway.handleWebhook(channelID: channel.id, request: harness.recordingWebhook([("alice", "in1", "hello?")]))
        let conversation = try #require(try await harness.store.conversations(ConversationFilter()).first)
        return Setup(harness: harness, channel: channel, agent: agent, conversation: conversation)
    }

    private func outbound(_ setup: Setup) async throws -> [(MessageSender, String)] {
        try await setup.harness.store.messages(in: setup.conversation.id, before: nil, limit: 50)
            .filter { $0.direction == .outbound }
            .map { ($0.sender, $0.content.previewText) }
    }

    private func status(_ setup: Setup) async throws -> ConversationStatus? {
        try await setup.harness.store.conversation(setup.conversation.id)?.status
    }

    @Test func silenceAfterTheAgentsAnswerNudgesOnceThenClosesOnce() async throws {
        let harness = try TestGateway(transport: ScriptedTransport([], then: .accept))
        defer { harness.removeFiles() }
        let setup = try await setUp(harness)
        _ = try await harness.gateway.assign(setup.conversation.id, to: setup.agent.id, by: setup.agent)
        let answeredAt = harness.clock.now()
        _ = try await harness.gateway.reply(to: setup.conversation.id, text: "Hi, how can I help?", by: setup.agent)
        #expect(try await harness.store.deadlines(of: setup.conversation.id) == [
            .nudge: answeredAt.addingTimeInterval(8 * 60), .idleClose: answeredAt.addingTimeInterval(10 * 60),
        ])

        harness.clock.advance(by: 8 * 60 - 1)
        #expect(await harness.gateway.scheduler.fireDue() == 0, "nothing before its time")
        harness.clock.advance(by: 1)
        #expect(await harness.gateway.scheduler.fireDue() == 1)
        #expect(await harness.gateway.scheduler.fireDue() == 0, "a fired nudge does not fire again")
        // The nudge is the system's, so it does not restart the idle clock.
        #expect(try await harness.store.deadlines(of: setup.conversation.id) == [.idleClose: answeredAt.addingTimeInterval(10 * 60)])

        harness.clock.advance(by: 2 * 60)
        let events = harness.gateway.bus.subscribe()
        #expect(await harness.gateway.scheduler.fireDue() == 1)
        #expect(await harness.gateway.scheduler.fireDue() == 0)
        let closed = try #require(try await harness.store.conversation(setup.conversation.id))
        #expect(closed.status == .closed && closed.state.closeReason == .idle)
        #expect(try await harness.store.deadlines(of: setup.conversation.id).isEmpty)
        let texts = try await outbound(setup)
        #expect(texts.map(\.1) == ["Hi, how can I help?", "Are you still there?", "Closing this chat now."])
        #expect(texts.map(\.0) == [.agent(setup.agent.id), .system, .system])
        for await event in events {
            if case .conversationUpdated(let conversation, let transition) = event {
                #expect(conversation.status == .closed && transition?.command == .close(.idle) && transition?.actor == .system)
                break
            }
        }
        // Both texts leave through the outbox like any reply.
        await harness.gateway.dispatcher.drainDue()
        await harness.gateway.dispatcher.drainDue()
        await harness.gateway.dispatcher.drainDue()
        #expect(try await harness.store.messages(in: setup.conversation.id, before: nil, limit: 50).filter { $0.direction == .outbound }
            .map(\.status) == [.sent, .sent, .sent])
    }

    /// The complaint "the agent made me wait five minutes, then the chat ended itself".
    @Test func aCustomerWaitingForUsIsEscalatedNeverClosed() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let setup = try await setUp(harness)
        _ = try await harness.gateway.assign(setup.conversation.id, to: setup.agent.id, by: setup.agent)
        _ = try await harness.gateway.handleWebhook(
            channelID: setup.channel.id, request: harness.recordingWebhook([("alice", "in2", "anyone there?")])
        )
        #expect(try await harness.store.deadlines(of: setup.conversation.id) == [.agentReply: setup.conversation.createdAt.addingTimeInterval(5 * 60)])

        harness.clock.advance(by: 5 * 60)
        let events = harness.gateway.bus.subscribe()
        #expect(await harness.gateway.scheduler.fireDue() == 1)
        let escalated = try #require(try await harness.store.conversation(setup.conversation.id))
        #expect(escalated.status == .queued && escalated.assignee == nil)
        for await event in events {
            if case .conversationUpdated(_, let transition) = event {
                #expect(transition?.command == .escalate && transition?.previousAssignee == setup.agent.id)
                break
            }
        }
        // Far past the idle timeout: still open, escalated once, nothing sent to the customer.
        harness.clock.advance(by: 24 * 3600)
        #expect(await harness.gateway.scheduler.fireDue() == 0)
        #expect(try await status(setup) == .queued)
        #expect(try await outbound(setup).isEmpty)
        let metrics = harness.registry.emitToString()
        #expect(metrics.contains("parley_escalations_total 1"))
    }

    @Test func theCustomersAnswerStopsTheIdleClockAndOurNextReplyRestartsIt() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let setup = try await setUp(harness)
        _ = try await harness.gateway.assign(setup.conversation.id, to: setup.agent.id, by: setup.agent)
        _ = try await harness.gateway.reply(to: setup.conversation.id, text: "What is your order number?", by: setup.agent)
        harness.clock.advance(by: 7 * 60)
        _ = try await harness.gateway.handleWebhook(channelID: setup.channel.id, request: harness.recordingWebhook([("alice", "in2", "A-1234")]))
        let wrote = harness.clock.now()
        #expect(try await harness.store.deadlines(of: setup.conversation.id) == [.agentReply: wrote.addingTimeInterval(5 * 60)])
        harness.clock.advance(by: 60)
        _ = try await harness.gateway.reply(to: setup.conversation.id, text: "Thanks, checking.", by: setup.agent)
        let answered = harness.clock.now()
        #expect(try await harness.store.deadlines(of: setup.conversation.id) == [
            .nudge: answered.addingTimeInterval(8 * 60), .idleClose: answered.addingTimeInterval(10 * 60),
        ])
        // Resolving ends every timer.
        _ = try await harness.gateway.resolve(setup.conversation.id, by: setup.agent)
        #expect(try await harness.store.deadlines(of: setup.conversation.id).isEmpty)
        harness.clock.advance(by: 3600)
        #expect(await harness.gateway.scheduler.fireDue() == 0)
    }

    /// Concurrent passes (two loops, two nodes) never fire one deadline twice.
    @Test func concurrentPassesFireEachDeadlineOnce() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel(settings: Self.settings)
        let agent = try await harness.addAgent(role: .admin)
        // Assignments never exceed capacity, and this agent takes all forty.
        try await harness.store.setCapacity(agent.id, capacity: 40)
        let customers = (0..<40).map { "customer-\($0)" }
        _ = try await harness.gateway.handleWebhook(
            channelID: channel.id, request: harness.recordingWebhook(customers.map { ($0, "in-\($0)", "hi") })
        )
        let conversations = try await harness.store.conversations(ConversationFilter(limit: 100))
        #expect(conversations.count == 40)
        for conversation in conversations {
            _ = try await harness.gateway.assign(conversation.id, to: agent.id, by: agent)
            _ = try await harness.gateway.reply(to: conversation.id, text: "hello", by: agent)
        }
        harness.clock.advance(by: 11 * 60)
        let fired = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<6 { group.addTask { await harness.gateway.scheduler.fireDue() } }
            return await group.reduce(0, +)
        }
        #expect(fired == 80, "40 nudges and 40 closes")
        for conversation in conversations {
            let texts = try await harness.store.messages(in: conversation.id, before: nil, limit: 10).filter { $0.direction == .outbound }
                .map(\.content.previewText)
            #expect(texts == ["hello", "Are you still there?", "Closing this chat now."])
            #expect(try await harness.store.conversation(conversation.id)?.status == .closed)
        }
    }

    /// A settings change applies to open conversations at once; a bad one changes nothing.
    @Test func changedSettingsRecomputeOpenConversationsAndBadOnesAreRefusedByName() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let setup = try await setUp(harness)
        _ = try await harness.gateway.assign(setup.conversation.id, to: setup.agent.id, by: setup.agent)
        _ = try await harness.gateway.reply(to: setup.conversation.id, text: "Hi!", by: setup.agent)
        let answered = harness.clock.now()

        let updated = try await harness.gateway.updateChannel(
            setup.channel.id, settings: ["idleTimeout": "30m", "nudgeBefore": nil], by: setup.agent
        )
        #expect(updated.settings["idleTimeout"] == "30m" && updated.settings["nudgeBefore"] == nil)
        #expect(try await harness.store.deadlines(of: setup.conversation.id) == [
            .nudge: answered.addingTimeInterval(25 * 60), .idleClose: answered.addingTimeInterval(30 * 60),
        ], "the nudge falls back to the 5-minute default")

        for (settings, field) in [(["idleTimeout": "soon"], "idleTimeout"), (["idleTimout": "5m"], "idleTimout")] as [([String: String?], String)] {
            let refusal = await #expect(throws: GatewayError.self) {
                _ = try await harness.gateway.updateChannel(setup.channel.id, settings: settings, by: setup.agent)
            }
            guard case .invalid(let named, _)? = refusal else {
                Issue.record("\(String(describing: refusal)) does not name the setting")
                continue
            }
            #expect(named == field)
        }
        let agent = try await harness.addAgent("plain@example.com")
        await #expect(throws: GatewayError.forbidden("only admins change channel settings")) {
            _ = try await harness.gateway.updateChannel(setup.channel.id, settings: ["idleTimeout": "1m"], by: agent)
        }
        #expect(try await harness.store.channel(setup.channel.id)?.channel.settings["idleTimeout"] == "30m", "refusals change nothing")
    }

    /// After an idle close the customer who writes within `reopenWindow` is back in the same
    /// conversation, waiting for an answer.
    @Test func writingAgainWithinTheReopenWindowReopensTheSameConversation() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let setup = try await setUp(harness, settings: Self.settings.merging(["reopenWindow": "30m", "closeText": ""]) { $1 })
        _ = try await harness.gateway.assign(setup.conversation.id, to: setup.agent.id, by: setup.agent)
        _ = try await harness.gateway.reply(to: setup.conversation.id, text: "Done!", by: setup.agent)
        harness.clock.advance(by: 10 * 60)
        _ = await harness.gateway.scheduler.fireDue()
        #expect(try await status(setup) == .closed)
        #expect(try await outbound(setup).map(\.1) == ["Done!", "Are you still there?"], "an empty closeText sends nothing")

        harness.clock.advance(by: 20 * 60)
        _ = try await harness.gateway.handleWebhook(channelID: setup.channel.id, request: harness.recordingWebhook([("alice", "in2", "one more thing")]))
        let conversations = try await harness.store.conversations(ConversationFilter())
        #expect(conversations.map(\.id) == [setup.conversation.id])
        #expect(conversations.first?.status == .queued)
        #expect(try await harness.store.deadlines(of: setup.conversation.id) == [.agentReply: harness.clock.now().addingTimeInterval(5 * 60)])
    }
}
