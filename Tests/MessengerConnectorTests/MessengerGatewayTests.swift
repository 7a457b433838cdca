import Foundation
import ParleyCore
import ParleyGateway
import ParleyHTTP
import ParleyStore
import ParleyTesting
import Testing
@testable import MessengerConnector

/// The real gateway and store with the Messenger connector registered as `parleyd` registers
/// it, a fake Graph API, and a Page channel added through the administration path.
struct MessengerGatewayHarness {
    let test: TestGateway
    let api: FakeMetaGraphAPI
    let channel: Channel
    let agent: Agent

    var gateway: Gateway { test.gateway }
    var store: SQLiteStore { test.store }

    static func run(settings: [String: String] = [:], _ body: (MessengerGatewayHarness) async throws -> Void) async throws {
        let api = try await FakeMetaGraphAPI(pageAccessToken: MessengerFixtures.pageAccessToken, pageID: MessengerFixtures.pageID)
        try await withPlatform(api) { api, transport in
            let clock = SettableClock()
            let test = try TestGateway(transport: transport, clock: clock, connectors: [
                .messenger: { channel, credentials in try MessengerConnector(channel: channel, credentials: credentials, now: { clock.now() }) },
            ])
            defer { test.removeFiles() }
            let channel = try await test.administration.addChannel(
                kind: .messenger, name: "Facebook Page", credentials: MessengerFixtures.credentials,
                settings: settings.merging(["apiBaseURL": api.baseURL]) { $1 }
            )
            try await body(MessengerGatewayHarness(test: test, api: api, channel: channel, agent: try await test.addAgent(role: .admin)))
        }
    }

    func post(_ body: String, signature: String? = nil) async throws(GatewayError) -> WebhookResponse {
        try await gateway.handleWebhook(channelID: channel.id, request: MessengerFixtures.request(body, signature: signature))
    }

    func onlyConversation() async throws -> Conversation {
        let conversations = try await store.conversations(ConversationFilter())
        try #require(conversations.count == 1)
        return conversations[0]
    }

    func messages(_ conversation: Conversation) async throws -> [Message] {
        try await store.messages(in: conversation.id, before: nil, limit: 50)
    }
}

@Suite("Messenger through the gateway")
struct MessengerGatewayTests {
    @Test func aBatchIsStoredOnceAndRedeliveryChangesNothing() async throws {
        try await MessengerGatewayHarness.run { harness throws in
            let body = MessengerFixtures.webhook([
                MessengerFixtures.entry([MessengerFixtures.text("Is the blue one in stock?", mid: "m_1")]),
                MessengerFixtures.entry([
                    MessengerFixtures.text("Size M", mid: "m_2"),
                    MessengerFixtures.event("message", #"{"mid":"m_echo","text":"echo","is_echo":true}"#, from: MessengerFixtures.pageID),
                ]),
            ])
            #expect(try await harness.post(body) == .text("EVENT_RECEIVED"))
            #expect(try await harness.post(body) == .text("EVENT_RECEIVED"))
            let messages = try await harness.messages(try await harness.onlyConversation())
            #expect(messages.map(\.platformMessageID) == ["m_1", "m_2"])
            #expect(messages.map(\.content) == [.text("Is the blue one in stock?"), .text("Size M")])

            do {
                _ = try await harness.post("{garbage", signature: "sha256=" + String(repeating: "1", count: 64))
                Issue.record("a forgery was accepted")
            } catch {
                #expect((error as? GatewayError)?.httpStatus == 401)
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func aDeliveryReceiptAdvancesTheReplyAndIsAnnounced() async throws {
        try await MessengerGatewayHarness.run { harness throws in
            _ = try await harness.post(MessengerFixtures.webhook([MessengerFixtures.entry([MessengerFixtures.text("hello", mid: "m_1")])]))
            let conversation = try await harness.onlyConversation()
            let reply = try await harness.gateway.reply(to: conversation.id, text: "Hi! Yes, it is.", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            let sent = try #require(await harness.api.state.sent.first)
            #expect(MessengerFixtures.texts([sent]) == ["Hi! Yes, it is."])

            let events = harness.gateway.bus.subscribe()
            _ = try await harness.post(MessengerFixtures.webhook([MessengerFixtures.entry([
                MessengerFixtures.event("delivery", #"{"mids":["\#(sent.id)"],"watermark":1518479196000}"#),
            ])]))
            #expect(try await harness.messages(conversation).first { $0.id == reply.id }?.status == .delivered)
            for await event in events {
                if case .messageUpdated(let message) = event, message.id == reply.id {
                    #expect(message.status == .delivered)
                    break
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func watermarksAdvanceEverythingSentBeforeThemAndNothingAfter() async throws {
        try await MessengerGatewayHarness.run { harness throws in
            _ = try await harness.post(MessengerFixtures.webhook([MessengerFixtures.entry([MessengerFixtures.text("hello", mid: "m_1")])]))
            let conversation = try await harness.onlyConversation()
            let sentAt = harness.test.clock.now()
            let first = try await harness.gateway.reply(to: conversation.id, text: "Hi!", by: harness.agent)
            let second = try await harness.gateway.reply(to: conversation.id, text: "How can I help?", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            await harness.gateway.dispatcher.drainDue()
            harness.test.clock.advance(by: 60)
            let third = try await harness.gateway.reply(to: conversation.id, text: "Still there?", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            #expect(await harness.api.state.sent.count == 3)
            func statuses() async throws -> [DeliveryStatus] {
                let messages = try await harness.messages(conversation)
                return try [first, second, third].map { reply in try #require(messages.first { $0.id == reply.id }).status }
            }
            func milliseconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }

            // Read up to 30 s after the first two left: those two are read, the third is not.
            let events = harness.gateway.bus.subscribe()
            _ = try await harness.post(MessengerFixtures.webhook([MessengerFixtures.entry([
                MessengerFixtures.event("read", #"{"watermark":\#(milliseconds(sentAt.addingTimeInterval(30)))}"#),
            ])]))
            #expect(try await statuses() == [.read, .read, .sent])
            var announced: [MessageID] = []
            for await event in events {
                if case .messageUpdated(let message) = event, message.status == .read { announced.append(message.id) }
                if announced.count == 2 { break }
            }
            #expect(announced == [first.id, second.id])

            // Delivered up to after the third: only the third moves (read never goes back to delivered).
            _ = try await harness.post(MessengerFixtures.webhook([MessengerFixtures.entry([
                MessengerFixtures.event("delivery", #"{"watermark":\#(milliseconds(sentAt.addingTimeInterval(90)))}"#),
            ])]))
            #expect(try await statuses() == [.read, .read, .delivered])
            // Another customer's watermark touches nothing of this one's.
            _ = try await harness.post(MessengerFixtures.webhook([MessengerFixtures.entry([
                MessengerFixtures.event("read", #"{"watermark":\#(milliseconds(sentAt.addingTimeInterval(90)))}"#, from: "9999999999"),
            ])]))
            #expect(try await statuses() == [.read, .read, .delivered])
        }
    }

    @Test func aReplyAfterTheWindowGoesWithTheHumanAgentTag() async throws {
        try await MessengerGatewayHarness.run(settings: ["humanAgentTag": "true"]) { harness throws in
            _ = try await harness.post(MessengerFixtures.webhook([MessengerFixtures.entry([MessengerFixtures.text("any news?", mid: "m_1")])]))
            let conversation = try await harness.onlyConversation()
            harness.test.clock.advance(by: 30 * 3600)
            let plan = try await harness.gateway.deliveryPlan(for: conversation)
            #expect(plan.first?.route == .messageTag && plan.window.state == .closed, "the agent is told before typing")
            let reply = try await harness.gateway.reply(to: conversation.id, text: "Your refund was issued.", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            let stored = try await harness.messages(conversation).first { $0.id == reply.id }
            #expect(stored?.route == .messageTag && stored?.status == .sent)
            let sent = try #require(await harness.api.state.sent.first)
            #expect(sent.json.field("messaging_type") == .string("MESSAGE_TAG"))
            #expect(sent.json.field("tag") == .string("HUMAN_AGENT"))
        }
    }

    @Test func attachmentsAreDownloadedOnlyFromAllowedHosts() async throws {
        try await MessengerGatewayHarness.run { harness throws in
            await harness.api.state.addAttachment(name: "photo.jpg", contentType: "image/jpeg", bytes: [0xFF, 0xD8, 9])
            _ = try await harness.post(MessengerFixtures.webhook([MessengerFixtures.entry([
                MessengerFixtures.event("message", #"{"mid":"m_img","attachments":[{"type":"image","payload":{"url":"\#(harness.api.baseURL)/cdn/photo.jpg"}}]}"#),
                MessengerFixtures.event("message", #"{"mid":"m_ssrf","attachments":[{"type":"image","payload":{"url":"https://169.254.169.254/latest/meta-data/"}}]}"#),
            ])]))
            _ = await harness.gateway.mediaFetcher.fetchDue()
            let messages = try await harness.messages(try await harness.onlyConversation())
            let image = try #require(messages.first { $0.platformMessageID == "m_img" })
            #expect(try await harness.gateway.mediaFile(of: image.id, for: harness.agent).bytes == [0xFF, 0xD8, 9])
            let forged = try #require(messages.first { $0.platformMessageID == "m_ssrf" })
            #expect(forged.content == .image(MediaReference(location: "https://169.254.169.254/latest/meta-data/")), "kept as received, never fetched")
            #expect(await harness.api.state.downloads == ["cdn:photo.jpg"])
        }
    }
}
