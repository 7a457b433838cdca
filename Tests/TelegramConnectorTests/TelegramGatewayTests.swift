import AsyncHTTPClient
import Foundation
import ParleyCore
import ParleyGateway
import ParleyHTTP
import ParleyStore
import ParleyTesting
import Testing
@testable import TelegramConnector

/// The Telegram connector inside the real gateway and store, against the fake Bot API over real
/// HTTP: polling, webhook registration, and replies to several chats.
@Suite("Telegram through the gateway")
struct TelegramGatewayTests {
    private func withHarness(
        mode: String, _ body: (TestGateway, FakeTelegramAPI, Channel, Agent) async throws -> Void
    ) async throws {
        try await withPlatform(try await FakeTelegramAPI(botToken: TelegramFixtures.botToken)) { api, transport in
            let harness = try TestGateway(
                transport: transport,
                connectors: [.telegram: { channel, credentials in try TelegramConnector(channel: channel, credentials: credentials) }]
            )
            defer { harness.removeFiles() }
            let channel = try await harness.administration.addChannel(
                kind: .telegram, name: "Support bot",
                credentials: ["botToken": TelegramFixtures.botToken, "secretToken": TelegramFixtures.secretToken],
                settings: ["mode": mode, "apiBaseURL": api.baseURL]
            )
            try await body(harness, api, channel, try await harness.addAgent(role: .admin))
        }
    }

    private static func update(_ id: Int64, chat: Int64, text: String) -> String {
        #"{"update_id":\#(id),"message":{"message_id":\#(id),"date":1700000000,"chat":{"id":\#(chat),"type":"private"},"from":{"id":\#(chat),"is_bot":false,"first_name":"C\#(chat)"},"text":"\#(text)"}}"#
    }

    @Test func pollingStoresUpdatesThenConfirmsThemAndResumesThereAfterARestart() async throws {
        try await withHarness(mode: "polling") { harness, api, channel, _ in
            await api.state.queueUpdate(id: 500, json: Self.update(500, chat: 11, text: "first"))
            await api.state.queueUpdate(id: 501, json: Self.update(501, chat: 22, text: "second"))
            let connector = try #require(try await harness.gateway.registry.connector(for: channel.id) as? any PollingConnector)
            #expect(connector.pollsForUpdates)
            let poller = UpdatePoller(gateway: harness.gateway, transport: AsyncHTTPTransport(client: .shared), wait: 0, pauseAfterFailure: .zero)
            #expect(await poller.pollOnce(connector) == 0)
            #expect(try await harness.store.pollCursor(channel.id) == "502")

            // A new poller (a restart) resumes at the saved offset, which confirms 500 and 501.
            await api.state.queueUpdate(id: 502, json: Self.update(502, chat: 11, text: "third"))
            let restarted = UpdatePoller(gateway: harness.gateway, transport: AsyncHTTPTransport(client: .shared), wait: 0, pauseAfterFailure: .zero)
            #expect(await restarted.pollOnce(connector) == 0)
            #expect(try await harness.store.pollCursor(channel.id) == "503")
            let polls = await api.state.requests.filter { $0.apiMethod == "getUpdates" }.map(\.json)
            #expect(polls == [.parse(#"{"timeout":0}"#), .parse(#"{"offset":502,"timeout":0}"#)])

            var texts: [String] = []
            for conversation in try await harness.store.conversations(ConversationFilter()) {
                texts += try await harness.store.messages(in: conversation.id, before: nil, limit: 10).map(\.content.previewText)
            }
            #expect(texts.sorted() == ["first", "second", "third"])
        }
    }

    @Test func connectSetsTheWebhookWithTheSecretAndPollingThenStops() async throws {
        try await withHarness(mode: "webhook") { harness, api, channel, _ in
            let connector = try #require(try await harness.gateway.registry.connector(for: channel.id) as? TelegramConnector)
            let transport = AsyncHTTPTransport(client: .shared)
            await #expect(throws: ConnectorError.self) { try await connector.registerWebhook(url: "http://insecure.example/hooks/x", transport: transport) }
            let url = "https://parley.example/hooks/\(channel.id.rawValue)"
            #expect(try await connector.registerWebhook(url: url, transport: transport) == "Telegram accepted the webhook")
            let webhook = await api.state.webhook
            #expect(webhook?.url == url && webhook?.secret == TelegramFixtures.secretToken)
            guard case .failed(let reason) = await connector.poll(after: nil, wait: 0, transport: transport) else {
                Issue.record("polling with a webhook set must fail")
                return
            }
            #expect(reason.contains("webhook"))
        }
    }

    /// Telegram numbers messages per chat: two customers' first replies both come back as
    /// message 1, and both must be recorded as sent, once.
    @Test func repliesToTwoChatsWithTheSameMessageNumberAreBothRecorded() async throws {
        try await withHarness(mode: "webhook") { harness, api, channel, agent in
            for (id, chat) in [(600, 11), (601, 22)] as [(Int64, Int64)] {
                _ = try await harness.gateway.handleWebhook(
                    channelID: channel.id, request: TelegramFixtures.request(Self.update(id, chat: chat, text: "hi"))
                )
            }
            let conversations = try await harness.store.conversations(ConversationFilter())
            for conversation in conversations { _ = try await harness.gateway.reply(to: conversation.id, text: "Hello!", by: agent) }
            for _ in 0..<3 { await harness.gateway.dispatcher.drainDue() }
            #expect(await api.state.accepted.count == 2)
            for conversation in conversations {
                let outbound = try await harness.store.messages(in: conversation.id, before: nil, limit: 10).filter { $0.direction == .outbound }
                #expect(outbound.map(\.status) == [.sent])
                #expect(outbound.first?.platformMessageID == "\(conversation.externalID):1")
            }
        }
    }
}
