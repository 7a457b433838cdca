import Foundation
import MetaSigning
import ParleyCore
import ParleyGateway
import ParleyHTTP
import ParleyStore
import ParleyTesting
import Testing
@testable import WhatsAppConnector

/// The real gateway and store with the WhatsApp connector registered as `parleyd` registers
/// it, a fake Graph API, and a channel added through the administration path.
struct WhatsAppGatewayHarness {
    let test: TestGateway
    let api: FakeMetaGraphAPI
    let channel: Channel
    let agent: Agent

    var gateway: Gateway { test.gateway }
    var store: SQLiteStore { test.store }

    static func run(settings: [String: String] = [:], _ body: (WhatsAppGatewayHarness) async throws -> Void) async throws {
        let api = try await FakeMetaGraphAPI(accessToken: WhatsAppFixtures.accessToken, phoneNumberID: WhatsAppFixtures.phoneNumberID)
        try await withPlatform(api) { api, transport in
            let clock = SettableClock()
            let test = try TestGateway(transport: transport, clock: clock, connectors: [
                .whatsapp: { channel, credentials in try WhatsAppConnector(channel: channel, credentials: credentials, now: { clock.now() }) },
            ])
            defer { test.removeFiles() }
            let channel = try await test.administration.addChannel(
                kind: .whatsapp, name: "WhatsApp", credentials: WhatsAppFixtures.credentials,
                settings: settings.merging(["apiBaseURL": api.baseURL]) { $1 }
            )
            try await body(WhatsAppGatewayHarness(test: test, api: api, channel: channel, agent: try await test.addAgent(role: .admin)))
        }
    }

    func post(_ body: String, signature: String? = nil) async throws(GatewayError) -> WebhookResponse {
        try await gateway.handleWebhook(channelID: channel.id, request: WhatsAppFixtures.request(body, signature: signature))
    }

    func status(of body: String, signature: String? = nil) async -> Int {
        do {
            return try await post(body, signature: signature).status
        } catch {
            return error.httpStatus
        }
    }

    func conversations() async throws -> [Conversation] {
        try await store.conversations(ConversationFilter())
    }

    func messages(_ conversation: Conversation) async throws -> [Message] {
        try await store.messages(in: conversation.id, before: nil, limit: 50)
    }
}

@Suite("WhatsApp through the gateway")
struct WhatsAppGatewayTests {
    @Test func aBatchIsStoredOnceEvenWhenMetaRedeliversIt() async throws {
        try await WhatsAppGatewayHarness.run { harness throws in
            let body = WhatsAppFixtures.webhook([
                WhatsAppFixtures.entry(messages: [WhatsAppFixtures.text("Hi, my order?", id: "wamid.A"), WhatsAppFixtures.text("#A-1042", id: "wamid.B")]),
                WhatsAppFixtures.entry(messages: [WhatsAppFixtures.text("Hello from Bob", id: "wamid.C", from: "447700900123")], name: "Bob", from: "447700900123"),
            ])
            #expect(try await harness.post(body) == .text("EVENT_RECEIVED"))
            #expect(try await harness.post(body) == .text("EVENT_RECEIVED"), "Meta redelivers until it gets a 200")

            let conversations = try await harness.conversations()
            #expect(conversations.count == 2)
            var stored: [String] = []
            for conversation in conversations { stored += try await harness.messages(conversation).compactMap(\.platformMessageID) }
            #expect(stored.sorted() == ["wamid.A", "wamid.B", "wamid.C"])
        }
    }

    @Test func theHandshakeAndForgeriesThroughTheGateway() async throws {
        try await WhatsAppGatewayHarness.run { harness throws in
            var verify = WhatsAppFixtures.verification()
            verify.path = harness.channel.webhookPath
            #expect(try await harness.gateway.handleWebhook(channelID: harness.channel.id, request: verify).body == Array("1158201444".utf8))
            #expect(await harness.status(of: "{garbage", signature: "sha256=" + String(repeating: "ab", count: 32)) == 401)
            #expect(await harness.status(of: WhatsAppFixtures.officialTextSample, signature: "") == 401)
            #expect(await harness.status(of: "{garbage") == 400)
            #expect(try await harness.conversations().isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(1))) func statusesAdvanceTheReplyAndAreAnnouncedToAgents() async throws {
        try await WhatsAppGatewayHarness.run { harness throws in
            _ = try await harness.post(WhatsAppFixtures.officialTextSample)
            let conversation = try #require(try await harness.conversations().first)
            let reply = try await harness.gateway.reply(to: conversation.id, text: "Yes, in navy and red.", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            let sent = try #require(await harness.api.state.sent.first)
            #expect(WhatsAppFixtures.texts([sent]) == ["Yes, in navy and red."])
            #expect(try await harness.messages(conversation).first { $0.id == reply.id }?.platformMessageID == sent.id)

            let events = harness.gateway.bus.subscribe()
            _ = try await harness.post(WhatsAppFixtures.webhook([WhatsAppFixtures.entry(statuses: [WhatsAppFixtures.status(sent.id, "delivered")])]))
            _ = try await harness.post(WhatsAppFixtures.webhook([WhatsAppFixtures.entry(statuses: [
                WhatsAppFixtures.status(sent.id, "read", timestamp: "1749416600"), WhatsAppFixtures.status(sent.id, "delivered"),
            ])]))
            #expect(try await harness.messages(conversation).first { $0.id == reply.id }?.status == .read)

            var announced: [DeliveryStatus] = []
            for await event in events {
                if case .messageUpdated(let message) = event, message.id == reply.id { announced.append(message.status) }
                if announced.count == 2 { break }
            }
            #expect(announced == [.delivered, .read], "a late 'delivered' never undoes 'read'")
        }
    }

    @Test func aFailedStatusShowsMetasReasonOnTheReply() async throws {
        try await WhatsAppGatewayHarness.run { harness throws in
            _ = try await harness.post(WhatsAppFixtures.officialTextSample)
            let conversation = try #require(try await harness.conversations().first)
            let reply = try await harness.gateway.reply(to: conversation.id, text: "Here is your invoice.", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            let id = try #require(await harness.api.state.sent.first?.id)
            _ = try await harness.post(WhatsAppFixtures.webhook([WhatsAppFixtures.entry(statuses: [
                WhatsAppFixtures.status(id, "failed", errors: #"[{"code":131026,"title":"Message undeliverable"}]"#),
            ])]))
            #expect(try await harness.messages(conversation).first { $0.id == reply.id }?.status
                == .failed(reason: "WhatsApp could not deliver the message: Message undeliverable [code 131026]"))
        }
    }

    @Test func aReplyAfterTheWindowGoesOutAsTheTemplate() async throws {
        try await WhatsAppGatewayHarness.run(settings: ["templateName": "agent_reply"]) { harness throws in
            _ = try await harness.post(WhatsAppFixtures.officialTextSample)
            let conversation = try #require(try await harness.conversations().first)
            harness.test.clock.advance(by: 25 * 3600)
            let reply = try await harness.gateway.reply(to: conversation.id, text: "Sorry for the wait: navy is back.", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            let stored = try await harness.messages(conversation).first { $0.id == reply.id }
            #expect(stored?.status == .sent && stored?.route == .template, "the agent sees the reply went out as the template")
            let sent = try #require(await harness.api.state.sent.first)
            guard case .object(let fields) = sent.json, case .object(let template)? = fields["template"] else {
                Issue.record("not a template: \(sent.json)")
                return
            }
            #expect(template["name"] == .string("agent_reply"))
        }
    }

    @Test func receivedMediaIsDownloadedAndServedToAgents() async throws {
        try await WhatsAppGatewayHarness.run { harness throws in
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("pretend jpeg".utf8)
            await harness.api.state.addMedia(id: "1479537139650973", mimeType: "image/jpeg", bytes: jpeg)
            _ = try await harness.post(WhatsAppFixtures.webhook([WhatsAppFixtures.entry(messages: [
                WhatsAppFixtures.message("image", #"{"caption":"the scratch","mime_type":"image/jpeg","id":"1479537139650973"}"#, id: "wamid.IMG"),
                WhatsAppFixtures.message("sticker", #"{"mime_type":"image/webp","id":"881093127006538","animated":false}"#, id: "wamid.STK"),
            ])]))
            let webp: [UInt8] = Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)
            await harness.api.state.addMedia(id: "881093127006538", mimeType: "image/webp", bytes: webp)
            #expect(await harness.gateway.mediaFetcher.fetchDue() == 2)
            let conversation = try #require(try await harness.conversations().first)
            let messages = try await harness.messages(conversation)
            let image = try #require(messages.first { $0.platformMessageID == "wamid.IMG" })
            let file = try await harness.gateway.mediaFile(of: image.id, for: harness.agent)
            #expect(file.bytes == jpeg && file.mimeType == "image/jpeg")
            // A sticker is media too, with an id that expires: kept, and served like an image.
            let sticker = try #require(messages.first { $0.platformMessageID == "wamid.STK" })
            #expect(sticker.content == .sticker(id: "881093127006538", url: MediaReference.stored(for: sticker.id)))
            #expect(try await harness.gateway.mediaFile(of: sticker.id, for: harness.agent).bytes == webp)
        }
    }
}
