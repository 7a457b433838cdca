import Foundation
import ParleyCore
import ParleyHTTP
import ParleyTesting
import Testing
@testable import WeChatConnector

@Suite("WeChat sends against a fake WeChat API")
struct WeChatSendTests {
    private static let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func withAPI(_ body: (FakeWeChatAPI, any HTTPTransport) async throws -> Void) async throws {
        try await withPlatform(try await FakeWeChatAPI(appID: WeChatFixtures.appID, appSecret: "app-secret"), body)
    }

    private func connector(_ api: FakeWeChatAPI, settings: [String: String] = [:]) throws -> WeChatConnector {
        var settings = settings
        settings["apiBaseURL"] = api.baseURL
        return try WeChatFixtures.connector(settings: settings, now: { Self.now })
    }

    private func delivery(
        _ content: MessageContent, id: Int64 = 1, lastWrote hoursAgo: Double? = 1, sends: Int = 0
    ) -> OutboundDelivery {
        OutboundDelivery(
            messageID: MessageID(id), conversationID: ConversationID(1), recipient: "oFollower", content: content, attempt: 1,
            lastCustomerMessageAt: hoursAgo.map { Self.now.addingTimeInterval(-$0 * 3600) }, sendsSinceCustomerMessage: sends
        )
    }

    @Test func aReplyArrivesAsTheExactCustomerServiceJSON() async throws {
        try await withAPI { api, transport in
            let wechat = try connector(api)
            #expect(await wechat.send(delivery(.text("您好，订单已发货 \"quoted\"")), transport: transport) == .sent(platformMessageID: nil, via: .freeText))
            #expect(await wechat.send(delivery(.image(MediaReference(location: "wechat-media:MEDIA_1"))), transport: transport)
                == .sent(platformMessageID: nil, via: .freeText))
            #expect(await api.state.customerServiceMessages == [
                .parse(#"{"touser":"oFollower","msgtype":"text","text":{"content":"您好，订单已发货 \"quoted\""}}"#),
                .parse(#"{"touser":"oFollower","msgtype":"image","image":{"media_id":"MEDIA_1"}}"#),
            ])
            #expect(await api.state.tokenFetches == 1, "the token is cached between sends")
        }
    }

    @Test func fiftyConcurrentSendsShareOneTokenFetch() async throws {
        try await withAPI { api, transport in
            let wechat = try connector(api)
            let outcomes = await withTaskGroup(of: SendOutcome.self) { group in
                for index in 0..<50 {
                    group.addTask { await wechat.send(delivery(.text("reply \(index)"), id: Int64(index)), transport: transport) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.allSatisfy { $0 == .sent(platformMessageID: nil, via: .freeText) })
            #expect(await api.state.tokenFetches == 1)
            #expect(await api.state.customerServiceMessages.count == 50)

            // The token expires under 50 concurrent sends: exactly one refetch, every send delivered.
            await api.state.expireToken()
            let again = await withTaskGroup(of: SendOutcome.self) { group in
                for index in 0..<50 {
                    group.addTask { await wechat.send(delivery(.text("again \(index)"), id: Int64(100 + index)), transport: transport) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(again.allSatisfy { $0 == .sent(platformMessageID: nil, via: .freeText) })
            #expect(await api.state.tokenFetches == 2)
            #expect(await api.state.customerServiceMessages.count == 100)
        }
    }

    @Test func errorCodesMapToRetryOrPermanentFailure() async throws {
        try await withAPI { api, transport in
            let wechat = try connector(api)
            await api.state.failNextSends(with: [-1, 45009, 45011, 45015, 45047, 43004, 40003])
            let outcomes = [
                await wechat.send(delivery(.text("a")), transport: transport),
                await wechat.send(delivery(.text("b")), transport: transport),
                await wechat.send(delivery(.text("c")), transport: transport),
                await wechat.send(delivery(.text("d")), transport: transport),
                await wechat.send(delivery(.text("e")), transport: transport),
                await wechat.send(delivery(.text("f")), transport: transport),
                await wechat.send(delivery(.text("g")), transport: transport),
            ]
            #expect(outcomes[0] == .retryLater(reason: "-1 WeChat is busy", after: nil))
            #expect(outcomes[1] == .retryLater(reason: "45009 the account's daily API quota is used up", after: 3600))
            #expect(outcomes[2] == .retryLater(reason: "45011 API calls too frequent", after: 60))
            #expect(outcomes[3] == .failed(reason: "45015 \(WeChatConnector.windowClosedReason)"))
            #expect(outcomes[4] == .failed(reason: "45047 \(WeChatConnector.quotaReason)"))
            #expect(outcomes[5] == .failed(reason: "43004 the customer no longer follows the account"))
            #expect(outcomes[6] == .failed(reason: "WeChat error 40003: scripted error 40003"))
            #expect(await api.state.customerServiceMessages.isEmpty)
        }
    }

    @Test func wrongAppSecretFailsWithWeChatsReason() async throws {
        try await withAPI { api, transport in
            var settings = ["apiBaseURL": api.baseURL]
            settings["mode"] = "plain"
            let wechat = try WeChatFixtures.connector(settings: settings, appSecret: "wrong", now: { Self.now })
            #expect(await wechat.send(delivery(.text("x")), transport: transport)
                == .failed(reason: "WeChat refused the access_token request: 40013 invalid appid"))
        }
    }

    @Test func outsideTheWindowOrOverTheCapATemplateGoesOutOrTheReplyFailsWithTheReason() async throws {
        try await withAPI { api, transport in
            let bare = try connector(api)
            #expect(await bare.send(delivery(.text("late"), lastWrote: 49), transport: transport)
                == .failed(reason: WeChatConnector.windowClosedReason))
            #expect(await bare.send(delivery(.text("sixth"), lastWrote: 1, sends: 5), transport: transport)
                == .failed(reason: WeChatConnector.quotaReason))
            #expect(await api.state.sendBodies.isEmpty, "nothing is sent that WeChat would refuse")

            let templated = try connector(api, settings: ["templateId": "TPL_1"])
            #expect(await templated.send(delivery(.text("您的退款已到账"), lastWrote: 49), transport: transport)
                == .sent(platformMessageID: "200228332", via: .template))
            #expect(await api.state.templateMessages == [
                .parse(#"{"touser":"oFollower","template_id":"TPL_1","data":{"content":{"value":"您的退款已到账"}}}"#),
            ])
            // WeChat's own refusal (45015) inside what we thought was the window falls back too.
            await api.state.failNextSends(with: [45015])
            #expect(await templated.send(delivery(.text("again")), transport: transport) == .sent(platformMessageID: "200228332", via: .template))
            #expect(await api.state.templateMessages.count == 2)
        }
    }

    @Test func longTextIsSplitAtTheByteLimit() async throws {
        try await withAPI { api, transport in
            let wechat = try connector(api)
            let text = String(repeating: "好", count: 1000) // 3,000 bytes: two messages of ≤ 2,048 bytes
            #expect(await wechat.send(delivery(.text(text)), transport: transport) == .sent(platformMessageID: nil, via: .freeText))
            let sent = await api.state.customerServiceMessages
            #expect(sent.count == 2)
            let pieces = sent.compactMap { message -> String? in
                guard case .object(let fields) = message, case .object(let body)? = fields["text"], case .string(let content)? = body["content"]
                else { return nil }
                return content
            }
            #expect(pieces.joined() == text && pieces.allSatisfy { $0.utf8.count <= 2048 })
        }
    }
}
