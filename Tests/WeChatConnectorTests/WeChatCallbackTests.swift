import Foundation
import ParleyCore
import Testing
@testable import WeChatConnector

@Suite("WeChat callbacks")
struct WeChatCallbackTests {
    private func decodeOne(_ xml: String, mode: WeChatConfiguration.Mode = .plain) throws -> InboundMessage {
        let connector = try WeChatFixtures.connector(mode: mode)
        let request = WeChatFixtures.plainRequest(xml)
        try connector.authenticate(request)
        guard case .message(let message) = try #require(try connector.decode(request).first) else {
            Issue.record("no message decoded")
            throw CancellationError()
        }
        return message
    }

    @Test func urlCheckEchoesInEveryModeAndRefusesABadSignature() throws {
        for mode in WeChatConfiguration.Mode.allCases {
            let connector = try WeChatFixtures.connector(mode: mode)
            let check = WeChatFixtures.plainRequest("", method: .get, extra: [("echostr", "8203049134567")])
            #expect(try connector.verify(check) == .text("8203049134567"))
            var forged = check
            forged.query[0].value = String(repeating: "0", count: 40)
            #expect(throws: ConnectorError.self) { try connector.verify(forged) }
        }
    }

    @Test func everyMessageKindIsNormalized() throws {
        let header = "<ToUserName><![CDATA[gh_a]]></ToUserName><FromUserName><![CDATA[oU]]></FromUserName><CreateTime>1348831860</CreateTime>"
        let cases: [(String, MessageContent)] = [
            ("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[在吗]]></Content><MsgId>1</MsgId>", .text("在吗")),
            (
                "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz/x]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>2</MsgId>",
                .image(MediaReference(location: "wechat-media:m1", mimeType: "image/jpeg"))
            ),
            (
                "<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m2]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[我要退货]]></Recognition><MsgId>3</MsgId>",
                .audio(MediaReference(location: "wechat-media:m2", mimeType: "audio/amr"), transcript: "我要退货")
            ),
            (
                "<MsgType><![CDATA[video]]></MsgType><MediaId><![CDATA[m3]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId><MsgId>4</MsgId>",
                .video(MediaReference(location: "wechat-media:m3", mimeType: "video/mp4"))
            ),
            (
                "<MsgType><![CDATA[shortvideo]]></MsgType><MediaId><![CDATA[m4]]></MediaId><MsgId>5</MsgId>",
                .video(MediaReference(location: "wechat-media:m4", mimeType: "video/mp4"))
            ),
            (
                "<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[广州市天河区]]></Label><MsgId>6</MsgId>",
                .location(latitude: 23.134521, longitude: 113.358803, name: "广州市天河区", address: nil)
            ),
            (
                "<MsgType><![CDATA[link]]></MsgType><Title><![CDATA[订单问题]]></Title><Description><![CDATA[详情]]></Description><Url><![CDATA[https://example.com/a]]></Url><MsgId>7</MsgId>",
                .text("订单问题\n详情\nhttps://example.com/a")
            ),
            ("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_42]]></EventKey>", .event(name: "subscribe", payload: "qrscene_42")),
            ("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event>", .event(name: "unsubscribe", payload: nil)),
            ("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[42]]></EventKey><Ticket><![CDATA[T]]></Ticket>", .event(name: "scan", payload: "42")),
            ("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event><Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>119.3</Precision>", .event(name: "location", payload: "23.1,113.3,119.3")),
            ("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[MENU_HELP]]></EventKey>", .event(name: "click", payload: "MENU_HELP")),
            ("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[VIEW]]></Event><EventKey><![CDATA[https://example.com]]></EventKey>", .event(name: "view", payload: "https://example.com")),
            ("<MsgType><![CDATA[miniprogrampage]]></MsgType><MsgId>8</MsgId>", .unsupported(rawType: "miniprogrampage")),
        ]
        for (fields, expected) in cases {
            let message = try decodeOne("<xml>\(header)\(fields)</xml>")
            #expect(message.content == expected)
            #expect(message.externalUserID == "oU")
            #expect(message.sentAt == Date(timeIntervalSince1970: 1348831860))
        }
    }

    @Test func messagesDedupeOnMsgIdAndEventsOnSenderAndTime() throws {
        #expect(try decodeOne(WeChatFixtures.text("hi", msgID: "6054768590064713728")).platformMessageID == "6054768590064713728")
        let event = try decodeOne(WeChatFixtures.event("CLICK", from: "oA", at: 1700000000, fields: "<EventKey>K</EventKey>"))
        #expect(event.platformMessageID == "event:oA:1700000000")
    }

    @Test func safeModeDecryptsAndRefusesPlaintextForgeriesAndForeignAppIDs() throws {
        let connector = try WeChatFixtures.connector(mode: .safe)
        let request = try WeChatFixtures.encryptedRequest(WeChatFixtures.text("加密消息"))
        try connector.authenticate(request)
        guard case .message(let message) = try connector.decode(request).first else { throw CancellationError() }
        #expect(message.content == .text("加密消息"))

        #expect(throws: ConnectorError.self) { try connector.authenticate(WeChatFixtures.plainRequest(WeChatFixtures.text("x"))) }
        var tampered = request
        tampered.query = tampered.query.map { $0.name == "msg_signature" ? ($0.name, String(repeating: "a", count: 40)) : $0 }
        #expect(throws: ConnectorError.unauthorized("msg_signature does not match the encrypted message")) {
            try connector.authenticate(tampered)
        }
        let foreign = try WeChatFixtures.encryptedRequest(WeChatFixtures.text("x"), appID: "wxOther")
        #expect(throws: ConnectorError.self) { try connector.authenticate(foreign) }
        do {
            try connector.authenticate(foreign)
        } catch {
            #expect(error.httpStatus == 401 && error.reason.contains("wxOther"))
        }
    }

    @Test func compatibleModeTakesTheEncryptedPartWhenAsked() throws {
        let connector = try WeChatFixtures.connector(mode: .compatible)
        // The plaintext says one thing, the encrypted part another: encrypt_type=aes means the latter.
        let encrypted = try WeChatFixtures.encryptedRequest(WeChatFixtures.text("secret"), plaintextAlso: false)
        try connector.authenticate(encrypted)
        guard case .message(let message) = try connector.decode(encrypted).first else { throw CancellationError() }
        #expect(message.content == .text("secret"))
        let plain = WeChatFixtures.plainRequest(WeChatFixtures.text("open"))
        try connector.authenticate(plain)
        guard case .message(let open) = try connector.decode(plain).first else { throw CancellationError() }
        #expect(open.content == .text("open"))
    }

    @Test func ackIsSuccessOrTheGreetingEncryptedLikeTheCallback() throws {
        let receipt = [IngestReceipt(platformMessageID: "1", messageID: MessageID(1), conversationID: ConversationID(1), duplicate: false)]
        let plain = try WeChatFixtures.connector(mode: .plain)
        #expect(plain.acknowledge(WeChatFixtures.plainRequest(WeChatFixtures.event("subscribe")), receipts: receipt) == .text("success"))

        let fixedNow: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_700_000_000) }
        let greeter = try WeChatFixtures.connector(mode: .safe, settings: ["greeting": "欢迎关注 ]]> welcome"], now: fixedNow)
        #expect(greeter.acknowledge(try WeChatFixtures.encryptedRequest(WeChatFixtures.text("hi")), receipts: receipt) == .text("success"))
        let answer = greeter.acknowledge(try WeChatFixtures.encryptedRequest(WeChatFixtures.event("subscribe")), receipts: receipt)
        let envelope = try WeChatXML.parse(answer.body)
        let encrypt = try #require(envelope["Encrypt"])
        #expect(envelope["TimeStamp"] == WeChatFixtures.timestamp && envelope["Nonce"] == WeChatFixtures.nonce)
        #expect(envelope["MsgSignature"] == WeChatSignature.sign([WeChatFixtures.token, WeChatFixtures.timestamp, WeChatFixtures.nonce, encrypt]))
        let reply = try WeChatXML.parse(try WeChatFixtures.cipher().decrypt(encrypt))
        #expect(reply.fields == [
            "ToUserName": "oFollower", "FromUserName": "gh_account", "CreateTime": "1700000000", "MsgType": "text",
            "Content": "欢迎关注 ]]> welcome",
        ])
    }
}
