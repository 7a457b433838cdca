import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing

/// A reply the customer's own channel refuses for good is not lost when the contact is known on
/// another channel: it is handed on there, and the agent sees where it went or, when every
/// channel refused, why it failed.
@Suite("Refused replies handed on")
struct HandOnTests {
    private struct Customer {
        let harness: TestGateway
        let transport: ScriptedTransport
        let agent: Agent
        let home: Channel
        let other: Channel
        let conversation: Conversation
    }

    /// Ana wrote on the "Shop SMS" channel and, earlier, on "Shop bot"; an agent merged her two
    /// contacts and took the SMS conversation. The transport answers with `script`.
    private func customer(_ script: [ScriptedTransport.Step], linked: Bool = true) async throws -> Customer {
        let transport = ScriptedTransport(script)
        let harness = try TestGateway(transport: transport)
        let other = try await harness.administration.addChannel(
            kind: .telegram, name: "Shop bot", credentials: ["secret": "test-secret"], settings: ["apiBaseURL": "http://127.0.0.1:9/bot"]
        )
        let home = try await harness.administration.addChannel(
            kind: .telegram, name: "Shop SMS", credentials: ["secret": "test-secret"], settings: ["apiBaseURL": "http://127.0.0.1:9/sms"]
        )
        let gateway = harness.gateway
        _ = try await gateway.handleWebhook(channelID: other.id, request: harness.recordingWebhook([("ana-bot", "b1", "hi")]))
        _ = try await gateway.handleWebhook(channelID: home.id, request: harness.recordingWebhook([("+15550100", "s1", "Where is my refund?")]))
        let conversations = try await harness.store.conversations(ConversationFilter())
        let onSMS = try #require(conversations.first { $0.channelID == home.id })
        let onBot = try #require(conversations.first { $0.channelID == other.id })
        if linked { try await harness.store.mergeContacts(onSMS.contactID, into: onBot.contactID) }
        let agent = try await harness.addAgent("li@example.com")
        _ = try await gateway.assign(onSMS.id, to: agent.id, by: agent)
        return Customer(harness: harness, transport: transport, agent: agent, home: home, other: other, conversation: onSMS)
    }

    private func reply(_ customer: Customer, _ text: String) async throws -> MessageID {
        let reply = try await customer.harness.gateway.reply(to: customer.conversation.id, text: text, by: customer.agent)
        await customer.harness.gateway.dispatcher.drainDue()
        return reply.id
    }

    private func message(_ id: MessageID, of customer: Customer) async throws -> Message {
        try #require(try await customer.harness.store.messages(in: customer.conversation.id, before: nil, limit: 50).first { $0.id == id })
    }

    private func sent(_ customer: Customer) async -> [String] {
        await customer.transport.requests.map { "\($0.url) \(String(decoding: $0.body, as: UTF8.self))" }
    }

    private static let refused = ScriptedTransport.Step.respond(TransportResponse(status: 403, body: Array("blocked".utf8)))

    @Test func aReplyTheChannelRefusesGoesOutOnTheContactsOtherChannel() async throws {
        let customer = try await customer([Self.refused])
        let id = try await reply(customer, "Your refund left today.")

        let waiting = try await message(id, of: customer)
        #expect(waiting.status == .queued, "not failed: it is on its way by another channel")
        #expect(waiting.routeNote == "platform refused the message (403). Trying the contact's other channels.")

        #expect(await customer.harness.gateway.pushBackDispatcher.drainDue() == 1)
        #expect(await sent(customer) == [
            #"http://127.0.0.1:9/sms/send {"text":"Your refund left today.","to":"+15550100"}"#,
            #"http://127.0.0.1:9/bot/send {"text":"Your refund left today.","to":"ana-bot"}"#,
        ])
        let handedOn = try await message(id, of: customer)
        #expect(handedOn.status == .sent && handedOn.route == .freeText)
        #expect(handedOn.routeNote == "message on Telegram (Shop bot)")
        let metrics = customer.harness.registry.emitToString()
        #expect(metrics.contains(#"parley_outbound_total{result="handed_on"} 1"#))
        #expect(metrics.contains(#"parley_outbound_total{result="dead_letter"} 0"#))
    }

    @Test func whenTheOtherChannelRefusesTooTheReplyFailsWithBothReasons() async throws {
        let customer = try await customer([Self.refused, Self.refused])
        let id = try await reply(customer, "Your refund left today.")
        while await customer.harness.gateway.pushBackDispatcher.drainDue() > 0 {}

        let failed = try await message(id, of: customer)
        #expect(failed.status == .failed(reason: """
            platform refused the message (403); the contact's other channels failed too: \
            message on channel \(customer.other.id): platform refused the message (403)
            """))
        #expect(await customer.transport.requests.count == 2, "each channel tried once")
    }

    @Test func aCustomerKnownOnNoOtherChannelIsDeadLetteredAtOnce() async throws {
        let customer = try await customer([Self.refused], linked: false)
        let id = try await reply(customer, "Your refund left today.")
        #expect(try await message(id, of: customer).status == .failed(reason: "platform refused the message (403)"))
        #expect(await customer.harness.gateway.pushBackDispatcher.drainDue() == 0)
        #expect(await customer.transport.requests.count == 1)
    }
}
