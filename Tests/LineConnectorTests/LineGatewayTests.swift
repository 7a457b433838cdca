import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing
@testable import LineConnector

/// The LINE connector inside the real gateway and store, sending to a fake LINE API over real
/// HTTP: what a LINE user and an agent observe.
@Suite("LINE through the gateway")
struct LineGatewayTests {
    @Test func aWebhookOfSeveralEventsIsStoredOnceEvenWhenRedelivered() async throws {
        try await LineGatewayHarness.run { harness throws in
            let body = LineFixtures.webhook([
                LineFixtures.textEvent("注文した商品がまだ届きません", id: "1", eventID: "01HQX7W5XKQ0B5Y3M3T5C6J9ZA"),
                LineFixtures.messageEvent(#"{"type":"sticker","id":"2","packageId":"446","stickerId":"1988","stickerResourceType":"STATIC"}"#, eventID: "01HQX7W5XKQ0B5Y3M3T5C6J9ZB"),
            ])
            #expect(try await harness.post(body) == .json(Array("{}".utf8)))
            let redelivery = body.replacingOccurrences(of: #""isRedelivery":false"#, with: #""isRedelivery":true"#)
            #expect(try await harness.post(redelivery) == .json(Array("{}".utf8)))

            let conversation = try await harness.onlyConversation()
            let messages = try await harness.messages(conversation)
            #expect(messages.map(\.content) == [.text("注文した商品がまだ届きません"), .sticker(id: "446/1988", url: nil)])
            #expect(messages.map(\.platformMessageID) == ["01HQX7W5XKQ0B5Y3M3T5C6J9ZA", "01HQX7W5XKQ0B5Y3M3T5C6J9ZB"])
        }
    }

    @Test func theConsolesVerifyIsAcknowledgedAndForgeriesAreRefusedAs401() async throws {
        try await LineGatewayHarness.run { harness throws in
            #expect(try await harness.post(#"{"destination":"\#(LineFixtures.destination)","events":[]}"#) == .json(Array("{}".utf8)))

            #expect(await harness.status(of: "{garbage", signature: "c2lnbmF0dXJl") == 401, "a forgery, whatever its body")
            #expect(await harness.status(of: "{garbage") == 400, "a signed but broken body")
            #expect(try await harness.store.conversations(ConversationFilter()).isEmpty)
        }
    }

    @Test func anAgentsReplyIsPushedAndA500ThenRetryDeliversItOnce() async throws {
        try await LineGatewayHarness.run { harness throws in
            _ = try await harness.post(LineFixtures.webhook([LineFixtures.textEvent("where is my order?")]))
            let conversation = try await harness.onlyConversation()
            // Written after the customer's reply token aged out: pushed, with a retry key.
            harness.clock.advance(by: LineConfiguration.replyTokenMaxAge)
            await harness.api.state.script([.deliverThenFail(status: 500)])
            let reply = try await harness.gateway.reply(to: conversation.id, text: "It left our warehouse today.", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            harness.clock.advance(by: 5)
            await harness.gateway.dispatcher.drainDue()

            let stored = try await harness.messages(conversation).first { $0.id == reply.id }
            #expect(stored?.status == .sent)
            let requests = await harness.api.state.messageRequests
            #expect(requests.map(\.status) == [500, 409])
            #expect(Set(requests.map(\.retryKey)).count == 1)
            let delivered = await harness.api.state.delivered
            #expect(delivered.count == 1)
            #expect(delivered.first?.to == LineFixtures.userID)
            #expect(LineFixtures.texts(delivered.map(\.messages)) == [["It left our warehouse today."]])
        }
    }

    @Test func theFirstReplyUsesTheCustomersFreshTokenAndLaterOnesArePushed() async throws {
        try await LineGatewayHarness.run { harness throws in
            await harness.api.state.issueReplyToken("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", for: LineFixtures.userID)
            _ = try await harness.post(LineFixtures.webhook([LineFixtures.textEvent("do you ship to Osaka?")]))
            let conversation = try await harness.onlyConversation()
            harness.clock.advance(by: 3)
            _ = try await harness.gateway.reply(to: conversation.id, text: "Yes, in two days.", by: harness.agent)
            _ = try await harness.gateway.reply(to: conversation.id, text: "Anything else?", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            await harness.gateway.dispatcher.drainDue()

            let requests = await harness.api.state.messageRequests
            #expect(requests.map(\.path) == ["/v2/bot/message/reply", "/v2/bot/message/push"])
            #expect(requests.first?.body == .parse(
                #"{"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","messages":[{"type":"text","text":"Yes, in two days."}]}"#
            ))
            #expect(requests.first?.retryKey == nil && requests.last?.retryKey != nil)
            let delivered = await harness.api.state.delivered
            #expect(delivered.map(\.route) == [.reply, .push])
            #expect(LineFixtures.texts(delivered.map(\.messages)) == [["Yes, in two days."], ["Anything else?"]])
            #expect(try await harness.messages(conversation).filter { $0.direction == .outbound }.map(\.status) == [.sent, .sent])

            // The customer writes again: their new token answers the next reply.
            await harness.api.state.issueReplyToken("b60d432864f44d079f6d8efe86cf404b", for: LineFixtures.userID)
            _ = try await harness.post(LineFixtures.webhook([LineFixtures.messageEvent(
                #"{"id":"2","type":"text","text":"No, thanks"}"#, eventID: "01HQX7W5XKQ0B5Y3M3T5C6J9ZB", replyToken: "b60d432864f44d079f6d8efe86cf404b"
            )]))
            _ = try await harness.gateway.reply(to: conversation.id, text: "Have a nice day!", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            #expect(await harness.api.state.delivered.map(\.route) == [.reply, .push, .reply])
        }
    }

    @Test func aGroupConversationIsAnsweredInTheGroup() async throws {
        try await LineGatewayHarness.run { harness throws in
            let group = "Ca56f94637cc4347f90a25382909b24b9"
            _ = try await harness.post(LineFixtures.webhook([LineFixtures.messageEvent(
                #"{"id":"9","type":"text","text":"is the shop open?"}"#, eventID: "G1",
                source: #"{"type":"group","groupId":"\#(group)","userId":"U4af4980629"}"#
            )]))
            let conversation = try await harness.onlyConversation()
            _ = try await harness.gateway.reply(to: conversation.id, text: "Yes, until 8 pm.", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            #expect(await harness.api.state.delivered.map(\.to) == [group])
        }
    }

    @Test func receivedMediaIsDownloadedOnReceiptAndServedToAgents() async throws {
        try await LineGatewayHarness.run { harness throws in
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("pretend jpeg".utf8)
            await harness.api.state.addContent(messageID: "354718705033693861", contentType: "image/jpeg", bytes: jpeg)
            await harness.api.state.addContent(messageID: "325709", contentType: "video/mp4", bytes: Array("mp4".utf8), processingAnswers: 1)
            _ = try await harness.post(LineFixtures.webhook([
                LineFixtures.messageEvent(
                    #"{"type":"image","id":"354718705033693861","contentProvider":{"type":"line"},"quoteToken":"q"}"#, eventID: "M1"
                ),
                LineFixtures.messageEvent(#"{"type":"video","id":"325709","duration":1000,"contentProvider":{"type":"line"},"quoteToken":"q"}"#, eventID: "M2"),
            ]))
            #expect(await harness.gateway.mediaFetcher.fetchDue() == 2)
            harness.clock.advance(by: 5)
            #expect(await harness.gateway.mediaFetcher.fetchDue() == 1, "the video was still being prepared")
            #expect(await harness.gateway.mediaFetcher.fetchDue() == 0)

            let messages = try await harness.messages(try await harness.onlyConversation())
            let image = try #require(messages.first { $0.platformMessageID == "M1" })
            #expect(image.content == .image(MediaReference(location: "/api/v1/media/\(image.id.rawValue)", mimeType: "image/jpeg")))
            let file = try await harness.gateway.mediaFile(of: image.id, for: harness.agent)
            #expect(file.bytes == jpeg && file.mimeType == "image/jpeg")
            let video = try #require(messages.first { $0.platformMessageID == "M2" })
            #expect(try await harness.gateway.mediaFile(of: video.id, for: harness.agent).bytes == Array("mp4".utf8))
            #expect(await harness.api.state.contentDownloads.sorted() == ["325709", "325709", "354718705033693861"])
        }
    }
}
