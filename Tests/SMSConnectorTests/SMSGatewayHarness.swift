import Foundation
import ParleyCore
import ParleyGateway
import ParleyHTTP
import ParleyStore
import ParleyTesting
import Prometheus
@testable import SMSConnector

/// The real gateway and store with the SMS connector registered (as `parleyd` registers it) and
/// a channel added through the administration path `parleyd channel add` uses, with Twilio's
/// production `apiBaseURL`: every request, to Twilio or to any media host, is delivered to the
/// fake on 127.0.0.1 by `LoopbackTransport`, which also remembers where it was meant to go.
struct SMSGatewayHarness {
    let test: TestGateway
    let api: FakeTwilioAPI
    let transport: LoopbackTransport
    let channel: Channel
    let agent: Agent

    var gateway: Gateway { test.gateway }
    var store: SQLiteStore { test.store }
    var clock: SettableClock { test.clock }
    var registry: PrometheusCollectorRegistry { test.registry }

    static func run(settings: [String: String] = [:], _ body: (SMSGatewayHarness) async throws -> Void) async throws {
        try await withTwilioAPI { api, network in
            let transport = LoopbackTransport(base: network, target: api.baseURL)
            let clock = SettableClock()
            let gateway = try TestGateway(transport: transport, clock: clock, connectors: [
                .sms: { channel, credentials in try SMSConnector(channel: channel, credentials: credentials, now: { clock.now() }) },
            ])
            defer { gateway.removeFiles() }
            let channel = try await gateway.administration.addChannel(
                kind: .sms, name: "Support SMS", credentials: SMSFixtures.credentials, settings: settings
            )
            let agent = try await gateway.addAgent(role: .admin)
            try await body(SMSGatewayHarness(test: gateway, api: api, transport: transport, channel: channel, agent: agent))
        }
    }

    /// A webhook signed by Twilio straight into the gateway, as the HTTP route hands it over.
    func post(_ fields: [(String, String)]) async throws(GatewayError) -> WebhookResponse {
        try await gateway.handleWebhook(channelID: channel.id, request: SMSFixtures.request(fields, path: channel.webhookPath))
    }

    func onlyConversation() async throws -> Conversation {
        let conversations = try await store.conversations(ConversationFilter())
        guard conversations.count == 1 else { throw HarnessFailure("expected one conversation, found \(conversations.count)") }
        return conversations[0]
    }

    func messages(_ conversation: Conversation) async throws -> [Message] {
        try await store.messages(in: conversation.id, before: nil, limit: 50)
    }

    func message(_ id: MessageID) async throws -> Message? {
        try await store.message(id)
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
