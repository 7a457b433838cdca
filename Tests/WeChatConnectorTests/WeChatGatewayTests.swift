import Foundation
import ParleyCore
import ParleyGateway
import ParleyHTTP
import ParleyStore
import ParleyTesting
import Testing
@testable import WeChatConnector

/// The WeChat connector inside the real gateway and store, sending to a fake WeChat API over
/// real HTTP: what a follower and an agent observe.
@Suite("WeChat through the gateway")
struct WeChatGatewayTests {
    private func withHarness(_ body: (TestGateway, FakeWeChatAPI, Channel, Agent) async throws -> Void) async throws {
        try await withPlatform(try await FakeWeChatAPI(appID: WeChatFixtures.appID, appSecret: "app-secret")) { api, transport in
            let harness = try TestGateway(transport: transport)
            defer { harness.removeFiles() }
            let channel = try await harness.administration.addChannel(
                kind: .wechat, name: "Main OA",
                credentials: [
                    "appId": WeChatFixtures.appID, "appSecret": "app-secret", "token": WeChatFixtures.token,
                    "encodingAESKey": WeChatFixtures.encodingAESKey,
                ],
                settings: ["mode": "compatible", "apiBaseURL": api.baseURL]
            )
            try await body(harness, api, channel, try await harness.addAgent(role: .admin))
        }
    }

    private func post(_ harness: TestGateway, _ channel: Channel, _ request: WebhookRequest) async throws -> WebhookResponse {
        try await harness.gateway.handleWebhook(channelID: channel.id, request: request)
    }

    @Test func retriesAreStoredOnceAndForgeriesNotAtAll() async throws {
        try await withHarness { harness, _, channel, _ in
            let callback = try WeChatFixtures.encryptedRequest(WeChatFixtures.text("我的快递到哪了", msgID: "6054768590064713701"))
            let answers = try await withThrowingTaskGroup(of: WebhookResponse.self) { group in
                for _ in 0..<3 { group.addTask { try await post(harness, channel, callback) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers == Array(repeating: .text("success"), count: 3))
            var forged = callback
            forged.query = forged.query.map { $0.name == "signature" ? ($0.name, String(repeating: "f", count: 40)) : $0 }
            await #expect(throws: GatewayError.self) { try await post(harness, channel, forged) }
            let conversations = try await harness.store.conversations(ConversationFilter())
            #expect(conversations.count == 1)
            let messages = try await harness.store.messages(in: conversations[0].id, before: nil, limit: 10)
            #expect(messages.map(\.content) == [.text("我的快递到哪了")])
            #expect(messages.map(\.platformMessageID) == ["6054768590064713701"])
        }
    }

    /// What the follower's phone shows: the text of every customer-service message received.
    private func texts(_ api: FakeWeChatAPI) async -> [String] {
        await api.state.customerServiceMessages.compactMap { body in
            guard case .object(let message) = body, case .object(let text)? = message["text"], case .string(let content)? = text["content"] else {
                return nil
            }
            return content
        }
    }

    /// Session lifecycle end to end: silence after the agent's answer brings the nudge and then the
    /// close, both on the follower's phone; writing again within the reopen window reopens the
    /// same conversation; a follower left waiting is never closed, only escalated.
    @Test func silenceNudgesThenClosesAndAWaitingFollowerIsEscalatedNotClosed() async throws {
        try await withHarness { harness, api, channel, agent in
            _ = try await harness.gateway.updateChannel(channel.id, settings: [
                "idleTimeout": "30m", "nudgeBefore": "10m", "agentReplyTimeout": "5m", "reopenWindow": "1h",
                "nudgeText": "您还在吗？", "closeText": "本次会话已结束。",
            ], by: agent)
            _ = try await post(harness, channel, WeChatFixtures.plainRequest(WeChatFixtures.text("退货怎么办理", msgID: "11")))
            let conversation = try #require(try await harness.store.conversations(ConversationFilter()).first)
            _ = try await harness.gateway.assign(conversation.id, to: agent.id, by: agent)
            _ = try await harness.gateway.reply(to: conversation.id, text: "请提供订单号。", by: agent)
            await harness.gateway.dispatcher.drainDue()

            harness.clock.advance(by: 20 * 60)
            #expect(await harness.gateway.scheduler.fireDue() == 1)
            await harness.gateway.dispatcher.drainDue()
            harness.clock.advance(by: 10 * 60)
            #expect(await harness.gateway.scheduler.fireDue() == 1)
            await harness.gateway.dispatcher.drainDue()
            #expect(await texts(api) == ["请提供订单号。", "您还在吗？", "本次会话已结束。"])
            #expect(try await harness.store.conversation(conversation.id)?.state.closeReason == .idle)

            // Back within the hour: the same conversation, waiting for an agent again.
            harness.clock.advance(by: 20 * 60)
            _ = try await post(harness, channel, WeChatFixtures.plainRequest(WeChatFixtures.text("订单号 12345", msgID: "12")))
            #expect(try await harness.store.conversations(ConversationFilter()).map(\.id) == [conversation.id])
            #expect(try await harness.store.conversation(conversation.id)?.status == .queued)
            _ = try await harness.gateway.assign(conversation.id, to: agent.id, by: agent)

            // Nobody answers for longer than the idle timeout: escalated once, never closed.
            harness.clock.advance(by: 45 * 60)
            #expect(await harness.gateway.scheduler.fireDue() == 1)
            harness.clock.advance(by: 45 * 60)
            #expect(await harness.gateway.scheduler.fireDue() == 0)
            let waiting = try #require(try await harness.store.conversation(conversation.id))
            #expect(waiting.status == .queued && waiting.assignee == nil)
            await harness.gateway.dispatcher.drainDue()
            #expect(await texts(api).count == 3, "nothing more reached the follower")
        }
    }

    @Test func theWindowAndTheFiveReplyCapAreTrackedAndEnforced() async throws {
        try await withHarness { harness, api, channel, agent in
            _ = try await post(harness, channel, WeChatFixtures.plainRequest(WeChatFixtures.text("在吗", msgID: "1")))
            let conversation = try await harness.store.conversations(ConversationFilter())[0]
            let opened = try #require(await harness.gateway.replyWindow(for: conversation))
            #expect(opened.state == .open && opened.remainingSends == 5)
            #expect(opened.closesAt == harness.clock.now().addingTimeInterval(48 * 3600))
            #expect(opened.fallback == .unavailable(reason: "no template message is configured; set templateId on the channel"))

            for index in 1...6 { _ = try await harness.gateway.reply(to: conversation.id, text: "回复 \(index)", by: agent) }
            for _ in 0..<6 { await harness.gateway.dispatcher.drainDue() }
            #expect(await api.state.customerServiceMessages.count == 5)
            let outbound = try await harness.store.messages(in: conversation.id, before: nil, limit: 20).filter { $0.direction == .outbound }
            #expect(outbound.prefix(5).allSatisfy { $0.status == .sent })
            #expect(outbound.last?.status == .failed(reason: WeChatConnector.quotaReason))
            let capped = try #require(try await harness.store.conversation(conversation.id))
            #expect(await harness.gateway.replyWindow(for: capped)?.state == .quotaUsed)
            #expect(await harness.gateway.replyWindow(for: capped)?.remainingSends == 0, "the workbench shows no sends left")

            // The follower writes again: five more replies allowed; 49 hours later, none.
            _ = try await post(harness, channel, WeChatFixtures.plainRequest(WeChatFixtures.text("还在吗", msgID: "2")))
            let reopened = try #require(try await harness.store.conversation(conversation.id))
            #expect(await harness.gateway.replyWindow(for: reopened)?.remainingSends == 5)
            harness.clock.advance(by: 49 * 3600)
            #expect(await harness.gateway.replyWindow(for: reopened)?.state == .closed)
            let late = try await harness.gateway.reply(to: conversation.id, text: "抱歉久等", by: agent)
            await harness.gateway.dispatcher.drainDue()
            let stored = try await harness.store.messages(in: conversation.id, before: nil, limit: 20).first { $0.id == late.id }
            #expect(stored?.status == .failed(reason: WeChatConnector.windowClosedReason))
            #expect(await api.state.customerServiceMessages.count == 5)
        }
    }

    @Test func inboundMediaIsDownloadedOnReceiptAndServedToAgents() async throws {
        try await withHarness { harness, api, channel, agent in
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("pretend jpeg".utf8)
            await api.state.addMedia(id: "MEDIA_OK", contentType: "image/jpeg", bytes: jpeg)
            let image = { (id: String, msgID: String) in
                "<xml><ToUserName><![CDATA[gh_a]]></ToUserName><FromUserName><![CDATA[oPic]]></FromUserName><CreateTime>1348831860</CreateTime>"
                    + "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl>"
                    + "<MediaId><![CDATA[\(id)]]></MediaId><MsgId>\(msgID)</MsgId></xml>"
            }
            _ = try await post(harness, channel, WeChatFixtures.plainRequest(image("MEDIA_OK", "11")))
            _ = try await post(harness, channel, WeChatFixtures.plainRequest(image("MEDIA_EXPIRED", "12")))
            #expect(await harness.gateway.mediaFetcher.fetchDue() == 2)
            #expect(await harness.gateway.mediaFetcher.fetchDue() == 0, "neither is tried again: one stored, one given up")

            let conversation = try await harness.store.conversations(ConversationFilter())[0]
            let messages = try await harness.store.messages(in: conversation.id, before: nil, limit: 10)
            let stored = try #require(messages.first { $0.platformMessageID == "11" })
            #expect(stored.content == .image(MediaReference(location: "/api/v1/media/\(stored.id.rawValue)", mimeType: "image/jpeg")))
            let file = try await harness.gateway.mediaFile(of: stored.id, for: agent)
            #expect(file.bytes == jpeg && file.mimeType == "image/jpeg")
            let expired = try #require(messages.first { $0.platformMessageID == "12" })
            #expect(expired.content.media?.location == "wechat-media:MEDIA_EXPIRED")
            await #expect(throws: GatewayError.self) { try await harness.gateway.mediaFile(of: expired.id, for: agent) }
            #expect(await api.state.mediaDownloads.sorted() == ["MEDIA_EXPIRED", "MEDIA_OK"])
        }
    }
}
