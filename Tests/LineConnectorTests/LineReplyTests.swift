import Foundation
import ParleyCore
import ParleyTesting
import Testing
@testable import LineConnector

@Suite("LINE reply tokens")
struct LineReplyTests {
    private static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aReplyUsesTheTokenOnceWithoutARetryKey() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            await api.state.issueReplyToken("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", for: LineFixtures.userID)
            let delivery = LineFixtures.delivery(.text("Thanks, an agent will answer shortly"))
            let outcome = await line.reply(token: "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", delivery, transport: transport)
            guard case .sent(let id?) = outcome else { Issue.record("\(outcome)"); return }
            #expect(!id.isEmpty)
            let request = try #require(await api.state.messageRequests.first)
            #expect(request.path == "/v2/bot/message/reply")
            #expect(request.retryKey == nil, "LINE answers 400 to a retry key on the reply endpoint")
            #expect(request.authorization == "Bearer \(LineFixtures.accessToken)")
            #expect(request.body == .parse(
                #"{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","messages":[{"type":"text","text":"Thanks, an agent will answer shortly"}]}"#
            ))
            let delivered = await api.state.delivered
            #expect(delivered.map(\.route) == [.reply] && delivered.map(\.to) == [LineFixtures.userID])
            #expect(LineFixtures.texts(delivered.map(\.messages)) == [["Thanks, an agent will answer shortly"]])

            let again = await line.reply(token: "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", delivery, transport: transport)
            #expect(again == .tokenRejected(reason: "LINE refused the reply token (HTTP 400): Invalid reply token"))
            #expect(await line.reply(token: "t", LineFixtures.delivery(.text(String(repeating: "y", count: 25_001))), transport: transport)
                == .other(.failed(reason: "a LINE reply carries at most 5 messages; this one needs 6")))
            #expect(await api.state.delivered.count == 1)
        }
    }

    @Test func aFreshTokenIsUsedAndAnyOtherFallsBackToPush() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api, now: { Self.now })
            let fresh = ReplyToken(token: "fresh", receivedAt: Self.now.addingTimeInterval(-5))
            await api.state.issueReplyToken("fresh", for: LineFixtures.userID)
            #expect(await line.send(LineFixtures.delivery(.text("one"), id: 1).replying(with: fresh), transport: transport)
                == .sent(platformMessageID: "600000000000000001", via: .freeText))

            // Used already (LINE refuses it): pushed instead.
            guard case .sent = await line.send(LineFixtures.delivery(.text("two"), id: 2).replying(with: fresh), transport: transport) else {
                Issue.record("two not sent")
                return
            }
            // Too old to try, or a retry (the first attempt may have used it): pushed without asking.
            await api.state.issueReplyToken("stale", for: LineFixtures.userID)
            await api.state.issueReplyToken("retried", for: LineFixtures.userID)
            let stale = ReplyToken(token: "stale", receivedAt: Self.now.addingTimeInterval(-LineConfiguration.replyTokenMaxAge))
            let retried = ReplyToken(token: "retried", receivedAt: Self.now)
            _ = await line.send(LineFixtures.delivery(.text("three"), id: 3).replying(with: stale), transport: transport)
            _ = await line.send(LineFixtures.delivery(.text("four"), id: 4, attempt: 2).replying(with: retried), transport: transport)

            #expect(await api.state.messageRequests.map(\.path) == [
                "/v2/bot/message/reply", "/v2/bot/message/reply", "/v2/bot/message/push",
                "/v2/bot/message/push", "/v2/bot/message/push",
            ])
            #expect(await api.state.delivered.map(\.route) == [.reply, .push, .push, .push])
            #expect(LineFixtures.texts(await api.state.delivered.map(\.messages)) == [["one"], ["two"], ["three"], ["four"]])
        }
    }

    @Test func aReplyThatMayHaveArrivedIsNotRepeatedThroughTheToken() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api, now: { Self.now })
            await api.state.issueReplyToken("token", for: LineFixtures.userID)
            await api.state.script([.fail(status: 500, message: "An error occurred in the internal server")])
            let token = ReplyToken(token: "token", receivedAt: Self.now)
            #expect(await line.send(LineFixtures.delivery(.text("hi")).replying(with: token), transport: transport)
                == .retryLater(reason: "LINE API answered HTTP 500: An error occurred in the internal server", after: nil))
            _ = await line.send(LineFixtures.delivery(.text("hi"), attempt: 2).replying(with: token), transport: transport)
            #expect(await api.state.messageRequests.map(\.path) == ["/v2/bot/message/reply", "/v2/bot/message/push"])
        }
    }
}

private extension OutboundDelivery {
    func replying(with token: ReplyToken) -> OutboundDelivery {
        var delivery = self
        delivery.replyToken = token
        return delivery
    }
}
