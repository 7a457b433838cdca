import Foundation
import Logging
import ParleyCore
import ParleyGateway
import ParleyHTTP
import ParleyStore
import ParleyTesting
import Prometheus
@testable import LineConnector

/// The real gateway and store with the LINE connector registered (as `parleyd` will register
/// it), a fake LINE API for both the API and the data host, and a LINE channel added through
/// the same administration path `parley channel add` uses.
struct LineGatewayHarness {
    let test: TestGateway
    let api: FakeLineAPI
    let channel: Channel
    let agent: Agent

    var gateway: Gateway { test.gateway }
    var store: SQLiteStore { test.store }
    var clock: SettableClock { test.clock }
    var registry: PrometheusCollectorRegistry { test.registry }

    static func run(_ body: (LineGatewayHarness) async throws -> Void) async throws {
        try await withPlatform(try await FakeLineAPI(accessToken: LineFixtures.accessToken)) { api, transport in
            let test = try TestGateway(transport: transport)
            defer { test.removeFiles() }
            let channel = try await test.administration.addChannel(
                kind: .line, name: "LINE OA",
                credentials: ["channelSecret": LineFixtures.channelSecret, "channelAccessToken": LineFixtures.accessToken],
                settings: ["apiBaseURL": api.baseURL, "dataBaseURL": api.baseURL]
            )
            try await body(LineGatewayHarness(test: test, api: api, channel: channel, agent: try await test.addAgent(role: .admin)))
        }
    }

    /// A signed webhook straight into the gateway, as the HTTP route hands it over.
    func post(_ body: String, signature: String? = nil) async throws(GatewayError) -> WebhookResponse {
        try await gateway.handleWebhook(channelID: channel.id, request: LineFixtures.request(body, signature: signature))
    }

    /// The HTTP status LINE would get for this webhook.
    func status(of body: String, signature: String? = nil) async -> Int {
        do {
            return try await post(body, signature: signature).status
        } catch {
            return error.httpStatus
        }
    }

    func onlyConversation() async throws -> Conversation {
        let conversations = try await store.conversations(ConversationFilter())
        guard conversations.count == 1 else { throw HarnessFailure("expected one conversation, found \(conversations.count)") }
        return conversations[0]
    }

    func messages(_ conversation: Conversation) async throws -> [Message] {
        try await store.messages(in: conversation.id, before: nil, limit: 50)
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
