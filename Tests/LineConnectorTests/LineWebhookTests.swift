import Foundation
import ParleyCore
import Testing
@testable import LineConnector

@Suite("LINE webhooks")
struct LineWebhookTests {
    private func decode(_ body: String) throws -> [InboundMessage] {
        let connector = try LineFixtures.connector()
        let request = LineFixtures.request(body)
        try connector.authenticate(request)
        return try connector.decode(request).map { event in
            guard case .message(let message) = event else { throw CancellationError() }
            return message
        }
    }

    @Test func signatureMatchesTheSDKsTestVector() {
        #expect(LineSignature.sign(Array("bodybodybodybody".utf8), secret: "channel_secret") == "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=")
        #expect(LineSignature.matches("/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=", body: Array("bodybodybodybody".utf8), secret: "channel_secret"))
        #expect(!LineSignature.matches("/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=", body: Array("bodybodybodybodY".utf8), secret: "channel_secret"))
        #expect(!LineSignature.matches(nil, body: [], secret: "channel_secret"))
    }

    @Test func theVectorAuthenticatesAsARequestAndForgeriesAreUnauthorizedWhateverTheBody() throws {
        let connector = try LineFixtures.connector()
        try connector.authenticate(LineFixtures.request("bodybodybodybody", signature: "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k="))

        let garbage = LineFixtures.request("{not json at all", signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        #expect(throws: ConnectorError.unauthorized("x-line-signature does not match the body and the channel secret")) {
            try connector.authenticate(garbage)
        }
        do { try connector.authenticate(garbage) } catch { #expect(error.httpStatus == 401) }

        var unsigned = LineFixtures.request(LineFixtures.webhook([]))
        unsigned.headers.removeAll { $0.name == "x-line-signature" }
        #expect(throws: ConnectorError.unauthorized("the webhook has no x-line-signature header")) { try connector.authenticate(unsigned) }

        // One changed byte after signing: the signature covers the raw bytes.
        var tampered = LineFixtures.request(LineFixtures.webhook([LineFixtures.textEvent("pay 10")]))
        tampered.body = Array(LineFixtures.webhook([LineFixtures.textEvent("pay 99")]).utf8)
        #expect(throws: ConnectorError.self) { try connector.authenticate(tampered) }

        let otherSecret = try LineConnector(
            channel: connector.channel, credentials: ["channelSecret": "another", "channelAccessToken": "t"]
        )
        #expect(throws: ConnectorError.self) { try otherSecret.authenticate(LineFixtures.request(LineFixtures.webhook([]))) }
    }

    @Test func aGETIsNoHandshakeAndTheConsolesEmptyVerifyIsAcknowledged() throws {
        let connector = try LineFixtures.connector()
        let get = WebhookRequest(method: .get, path: "/hooks/ch_line", publicBaseURL: "https://parley.example")
        #expect(throws: ConnectorError.self) { try connector.verify(get) }
        do { _ = try connector.verify(get) } catch { #expect(error.httpStatus == 405) }

        let consoleVerify = LineFixtures.request(#"{"destination":"\#(LineFixtures.destination)","events":[]}"#)
        try connector.authenticate(consoleVerify)
        #expect(try connector.decode(consoleVerify).isEmpty)
        let ack = connector.acknowledge(consoleVerify, receipts: [])
        #expect(ack.status == 200 && ack.body == Array("{}".utf8) && ack.contentType == "application/json")
    }

    @Test func everyEventAndMessageKindIsNormalized() throws {
        let cases: [(String, MessageContent)] = [
            (LineFixtures.textEvent("Hello, world"), .text("Hello, world")),
            (
                LineFixtures.messageEvent(#"{"type":"image","id":"354718705033693861","contentProvider":{"type":"line"},"imageSet":{"id":"E005D41A7288F41B655","index":2,"total":2},"quoteToken":"q"}"#),
                .image(MediaReference(location: "line-content:354718705033693861"))
            ),
            (
                LineFixtures.messageEvent(#"{"type":"image","id":"354718705033693862","contentProvider":{"type":"external","originalContentUrl":"https://example.com/original.jpg","previewImageUrl":"https://example.com/preview.jpg"},"quoteToken":"q"}"#),
                .image(MediaReference(location: "https://example.com/original.jpg"))
            ),
            (
                LineFixtures.messageEvent(#"{"type":"video","id":"325709","duration":60000,"contentProvider":{"type":"line"},"quoteToken":"q"}"#),
                .video(MediaReference(location: "line-content:325709"))
            ),
            (
                LineFixtures.messageEvent(#"{"type":"audio","id":"325710","duration":60000,"contentProvider":{"type":"line"}}"#),
                .audio(MediaReference(location: "line-content:325710"), transcript: nil)
            ),
            (
                LineFixtures.messageEvent(#"{"type":"file","id":"325711","fileName":"invoice 2024.pdf","fileSize":2138}"#),
                .file(MediaReference(location: "line-content:325711", fileName: "invoice 2024.pdf"))
            ),
            (
                LineFixtures.messageEvent(#"{"type":"location","id":"325712","title":"my location","address":"〒160-0004 東京都新宿区四谷一丁目６番１号","latitude":35.687574,"longitude":139.72922}"#),
                .location(latitude: 35.687574, longitude: 139.72922, name: "my location", address: "〒160-0004 東京都新宿区四谷一丁目６番１号")
            ),
            (
                LineFixtures.messageEvent(#"{"type":"location","id":"325713","latitude":35.6,"longitude":139.7}"#),
                .location(latitude: 35.6, longitude: 139.7, name: nil, address: nil)
            ),
            (
                LineFixtures.messageEvent(#"{"type":"sticker","id":"325714","packageId":"1","stickerId":"1","stickerResourceType":"STATIC","keywords":["Happy"],"quoteToken":"q"}"#),
                .sticker(id: "1/1", url: nil)
            ),
            (LineFixtures.messageEvent(#"{"type":"imagemap","id":"325715"}"#), .unsupported(rawType: "imagemap")),
            (
                LineFixtures.event("postback", fields: #""replyToken":"b60d432864f44d079f6d8efe86cf404b","postback":{"data":"action=buy&itemid=111","params":{"datetime":"2017-12-25T01:00"}}"#, eventID: "E1"),
                .event(name: "postback", payload: "action=buy&itemid=111")
            ),
            (LineFixtures.event("follow", fields: #""replyToken":"r","follow":{"isUnblocked":false}"#, eventID: "E2"), .event(name: "follow", payload: nil)),
            (LineFixtures.event("follow", fields: #""replyToken":"r","follow":{"isUnblocked":true}"#, eventID: "E3"), .event(name: "follow", payload: "unblocked")),
            (LineFixtures.event("unfollow", eventID: "E4"), .event(name: "unfollow", payload: nil)),
            (LineFixtures.event("unsend", fields: #""unsend":{"messageId":"325708"}"#, eventID: "E5"), .event(name: "unsend", payload: "325708")),
            (LineFixtures.event("beacon", fields: #""replyToken":"r","beacon":{"hwid":"d41d8cd98f","type":"enter"}"#, eventID: "E6"), .unsupported(rawType: "beacon")),
            (LineFixtures.event("videoPlayComplete", fields: #""videoPlayComplete":{"trackingId":"track-1"}"#, eventID: "E7"), .unsupported(rawType: "videoPlayComplete")),
        ]
        for (event, expected) in cases {
            let messages = try decode(LineFixtures.webhook([event]))
            #expect(messages.count == 1)
            #expect(messages.first?.content == expected)
            #expect(messages.first?.externalUserID == LineFixtures.userID)
            #expect(messages.first?.sentAt == Date(timeIntervalSince1970: 1_462_629_479.859))
        }
    }

    @Test func manyEventsPerRequestKeepTheirOrderAndDedupeOnWebhookEventId() throws {
        let body = LineFixtures.webhook([
            LineFixtures.textEvent("first", id: "1", eventID: "01HA"),
            LineFixtures.textEvent("second", id: "2", eventID: "01HB", user: "U2"),
            LineFixtures.event("follow", fields: #""replyToken":"r","follow":{"isUnblocked":false}"#, eventID: "01HC"),
        ])
        let messages = try decode(body)
        #expect(messages.map(\.platformMessageID) == ["01HA", "01HB", "01HC"])
        #expect(messages.map(\.externalUserID) == [LineFixtures.userID, "U2", LineFixtures.userID])
        #expect(messages.map(\.content.previewText) == ["first", "second", "[follow]"])
        #expect(messages.map(\.replyToken) == ["nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", "r"])

        let redelivered = LineFixtures.webhook([
            LineFixtures.messageEvent(#"{"id":"1","type":"text","text":"first"}"#, eventID: "01HA", redelivery: true, replyToken: "other"),
        ])
        #expect(try decode(redelivered).first?.platformMessageID == "01HA", "a redelivery is the same platform message")
        #expect(try decode(redelivered).first?.replyToken == nil, "a redelivery's token has most likely expired")
    }

    @Test func groupAndRoomConversationsAreWithTheGroupNotTheMember() throws {
        let group = LineFixtures.messageEvent(
            #"{"id":"9","type":"text","text":"hi all"}"#, eventID: "G1",
            source: #"{"type":"group","groupId":"Ca56f94637cc4347f90a25382909b24b9","userId":"U4af4980629"}"#
        )
        let room = LineFixtures.messageEvent(
            #"{"id":"10","type":"text","text":"hi room"}"#, eventID: "R1",
            source: #"{"type":"room","roomId":"Ra8dbf4673c4c812cd491258042226c99","userId":"U4af4980629"}"#
        )
        let joined = LineFixtures.event("join", fields: #""replyToken":"r""#, eventID: "J1", source: #"{"type":"group","groupId":"Ca56f94637cc4347f90a25382909b24b9"}"#)
        let messages = try decode(LineFixtures.webhook([group, room, joined]))
        #expect(messages.map(\.externalUserID) == [
            "Ca56f94637cc4347f90a25382909b24b9", "Ra8dbf4673c4c812cd491258042226c99", "Ca56f94637cc4347f90a25382909b24b9",
        ])
        #expect(messages.last?.content == .event(name: "join", payload: nil))
    }

    @Test func channelEventsWithoutASourceAreSkipped() throws {
        let body = LineFixtures.webhook([
            #"{"type":"botSuspended","mode":"active","timestamp":1462629479859,"webhookEventId":"S1","deliveryContext":{"isRedelivery":false}}"#,
            LineFixtures.textEvent("still here", eventID: "S2"),
        ])
        #expect(try decode(body).map(\.platformMessageID) == ["S2"])
    }

    @Test func brokenBodiesAreMalformedNotCrashes() throws {
        let connector = try LineFixtures.connector()
        let valid = LineFixtures.webhook([LineFixtures.textEvent("hello")])
        let broken = [
            String(valid.dropLast(7)),
            "",
            "[]",
            #"{"destination":"U1"}"#,
            #"{"events":{}}"#,
            LineFixtures.webhook([#"{"type":"message","timestamp":1,"source":{"type":"user","userId":"U1"},"deliveryContext":{"isRedelivery":false},"message":{"id":"1","type":"text","text":"x"}}"#]),
            LineFixtures.webhook([#"{"type":"message","timestamp":1,"source":{"type":"user","userId":"U1"},"webhookEventId":"X","message":{"id":"1","type":"location"}}"#]),
            LineFixtures.webhook([#"{"type":"message","timestamp":1,"source":{"type":"group"},"webhookEventId":"X","message":{"id":"1","type":"text","text":"x"}}"#]),
        ]
        for body in broken {
            let request = LineFixtures.request(body)
            try connector.authenticate(request)
            #expect(throws: ConnectorError.self) { try connector.decode(request) }
            do { _ = try connector.decode(request) } catch { #expect(error.httpStatus == 400, "\(body)") }
        }
        do {
            _ = try connector.decode(LineFixtures.request(String(valid.dropLast(7))))
        } catch {
            #expect(error.reason == "not a LINE webhook body: the body is not valid JSON (truncated or malformed)")
        }
    }

    @Test func configurationIsValidatedWhenTheConnectorIsBuilt() {
        let channel = Channel(id: ChannelID("ch_line"), kind: .line, name: "LINE")
        #expect(throws: LineConfiguration.ConfigurationError.missingCredential("channelSecret")) {
            try LineConnector(channel: channel, credentials: ["channelAccessToken": "t"])
        }
        #expect(throws: LineConfiguration.ConfigurationError.missingCredential("channelAccessToken")) {
            try LineConnector(channel: channel, credentials: ["channelSecret": "s", "channelAccessToken": ""])
        }
        var bad = channel
        bad.settings["dataBaseURL"] = "ftp://example.com"
        #expect(throws: LineConfiguration.ConfigurationError.invalidSetting(name: "dataBaseURL", value: "ftp://example.com")) {
            try LineConnector(channel: bad, credentials: ["channelSecret": "s", "channelAccessToken": "t"])
        }
    }

    @Test func retryKeysAreVersion5UUIDsStablePerMessageAndPart() {
        // uuid.uuid5(uuid.NAMESPACE_URL, "parley-line-ch_line-42-0") in Python.
        #expect(LineRetryKey.key(channel: ChannelID("ch_line"), message: MessageID(42), part: 0) == "33e48c90-700b-58ce-bd3f-44154a3cb5e1")
        #expect(LineRetryKey.key(channel: ChannelID("ch_line"), message: MessageID(42), part: 1)
            != LineRetryKey.key(channel: ChannelID("ch_line"), message: MessageID(42), part: 0))
        #expect(LineRetryKey.key(channel: ChannelID("ch_other"), message: MessageID(42), part: 0)
            != LineRetryKey.key(channel: ChannelID("ch_line"), message: MessageID(42), part: 0))
    }
}
