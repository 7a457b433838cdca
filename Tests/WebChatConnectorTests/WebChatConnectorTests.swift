import Foundation
import ParleyCore
import Testing
import WebChatConnector

@Suite("Web-chat connector")
struct WebChatConnectorTests {
    let channel = Channel(id: ChannelID("ch_web"), kind: .webchat, name: "Website")
    var connector: WebChatConnector { try! WebChatConnector(channel: channel, credentials: ["visitorSecret": "s3cret"]) }

    private func request(token: String?, body: String) -> WebhookRequest {
        WebhookRequest(
            method: .post, path: "/hooks/ch_web", headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [],
            body: Array(body.utf8), publicBaseURL: "https://parley.example"
        )
    }

    @Test func issuedTokensVerifyAndForgeriesDoNot() throws {
        let (visitorID, token) = connector.issueVisitorToken()
        #expect(connector.visitorID(fromToken: token) == visitorID)
        let otherSecret = try WebChatConnector(channel: channel, credentials: ["visitorSecret": "different"])
        #expect(otherSecret.visitorID(fromToken: token) == nil, "a token from another channel secret must not verify")
        let parts = token.split(separator: ".")
        #expect(connector.visitorID(fromToken: "v1.v_someone_else.\(parts[2])") == nil, "a signature must not move to another visitor")
        #expect(connector.visitorID(fromToken: "garbage") == nil)
        #expect(connector.visitorID(fromToken: "") == nil)
    }

    @Test func decodesAVisitorMessage() throws {
        let (visitorID, token) = connector.issueVisitorToken()
        let request = request(token: token, body: #"{"clientId":"c-42","text":"<b>hi</b>"}"#)
        try connector.authenticate(request)
        let events = try connector.decode(request)
        guard case .message(let message) = try #require(events.first) else { Issue.record("not a message"); return }
        #expect(message.externalUserID == visitorID)
        #expect(message.platformMessageID == "\(visitorID):c-42")
        #expect(message.content == .text("<b>hi</b>"))
    }

    @Test func refusesWhatItCannotUse() {
        let (_, token) = connector.issueVisitorToken()
        #expect(throws: ConnectorError.unauthorized("a visitor token is required (Authorization: Bearer <token>)")) {
            try connector.authenticate(request(token: nil, body: "{}"))
        }
        #expect(throws: ConnectorError.malformedPayload("text must not be empty")) {
            try connector.decode(request(token: token, body: #"{"clientId":"c","text":"   "}"#))
        }
        #expect(throws: ConnectorError.malformedPayload("clientId must be 1 to 128 characters")) {
            try connector.decode(request(token: token, body: #"{"clientId":"","text":"x"}"#))
        }
        let long = String(repeating: "字", count: 10_001)
        #expect(throws: ConnectorError.malformedPayload("text is longer than 10000 characters")) {
            try connector.decode(request(token: token, body: #"{"clientId":"c","text":"\#(long)"}"#))
        }
        #expect(throws: ConnectorError.self) { try connector.verify(request(token: token, body: "")) }
    }

    @Test func acknowledgementNamesTheStoredMessage() throws {
        let receipt = IngestReceipt(platformMessageID: "v_1:c-1", messageID: MessageID(9), conversationID: ConversationID(3), duplicate: true)
        let response = connector.acknowledge(request(token: nil, body: ""), receipts: [receipt])
        #expect(response.status == 200)
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(object?["id"] as? Int == 9)
        #expect(object?["conversationId"] as? Int == 3)
        #expect(object?["clientId"] as? String == "c-1")
        #expect(object?["duplicate"] as? Bool == true)
    }
}

@Suite("Web-chat message bodies")
struct VisitorMessageBodyTests {
    let channel = Channel(id: ChannelID("ch_web"), kind: .webchat, name: "Website")

    private func decode(_ body: [UInt8]) throws -> InboundMessage {
        let connector = try WebChatConnector(channel: channel, credentials: ["visitorSecret": "s3cret"])
        let (_, token) = connector.issueVisitorToken()
        let request = WebhookRequest(
            method: .post, path: "/hooks/ch_web", headers: [("Authorization", "Bearer \(token)")], body: body, publicBaseURL: "https://parley.example"
        )
        guard case .message(let message) = try #require(try connector.decode(request).first) else { throw ConnectorError.malformedPayload("not a message") }
        return message
    }

    private func refusal(_ body: String) -> String? {
        do {
            _ = try decode(Array(body.utf8))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func readsEscapesSurrogatePairsAndSkipsOtherMembers() throws {
        let body = #"""
        { "extra" : {"a": [1, -2.5e3, 0, true, false, null, "x\"]", {}], "b": {}} ,
          "clientId":"c\u002d1", "text":"line\n\"q\" \ud83d\ude00 \u00e9 \/ \\ \t\b\f\r", "name" : null,
          "later": [] }
        """#
        let message = try decode(Array(body.utf8))
        #expect(message.platformMessageID.hasSuffix(":c-1"))
        #expect(message.content == .text("line\n\"q\" 😀 é / \\ \t\u{08}\u{0C}\r"))
        #expect(message.displayName == nil)
        let named = try decode(Array(#"{"clientId":"c","text":"你好","name":"Zoë"}"#.utf8))
        #expect(named.displayName == "Zoë")
        #expect(named.content == .text("你好"))
    }

    @Test func theLastOfARepeatedMemberCounts() throws {
        let message = try decode(Array(#"{"clientId":"c","text":"first","text":"second"}"#.utf8))
        #expect(message.content == .text("second"))
    }

    @Test(arguments: [
        (#"{"clientId":"c"}"#, "text is missing"),
        (#"{"text":"x"}"#, "clientId is missing"),
        (#"{"clientId":1,"text":"x"}"#, "clientId is not a string"),
        (#"{"clientId":"c","text":null}"#, "text is not a string"),
        (#"{"clientId":"c","text":"x","name":false}"#, "name is not a string"),
        (#"{"clientId": "#, "not valid JSON"),
        (#"{"clientId":"c","text":"x"} {}"#, "not valid JSON"),
        (#"{"clientId":"c","text":"x",}"#, "not valid JSON"),
        (#"{"clientId":"c","text":"x","n":01}"#, "not valid JSON"),
        (#"{"clientId":"c","text":"x","n":1.}"#, "not valid JSON"),
        (#"{"clientId":"c","text":"x","n":tru}"#, "not valid JSON"),
        (#"{"clientId":"c","text":"\ud800"}"#, "not valid JSON"),
        (#"{"clientId":"c","text":"\udc00\ud800"}"#, "not valid JSON"),
        (#"{"clientId":"c","text":"\x"}"#, "not valid JSON"),
        (#"{"clientId":"c","text":"\u12"}"#, "not valid JSON"),
        ("{\"clientId\":\"c\",\"text\":\"a\tb\"}", "not valid JSON"),
        (#"["clientId","text"]"#, "not valid JSON"),
        ("", "not valid JSON"),
    ])
    func refusesNamingWhatIsWrong(body: String, reason: String) {
        let refusal = refusal(body)
        #expect(refusal?.contains(reason) == true, "\(body) → \(refusal ?? "accepted")")
    }

    @Test func refusesBytesThatAreNotUTF8AndNestingWithoutEnd() {
        var invalid = Array(#"{"clientId":"c","text":""#.utf8)
        invalid += [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: ConnectorError.self) { try decode(invalid) }
        let deep = #"{"clientId":"c","text":"x","n":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        #expect(refusal(deep)?.contains("nested deeper") == true)
    }

    /// Whatever Foundation's parser makes of these bodies, the connector makes the same.
    @Test func agreesWithFoundationOnWellFormedBodies() throws {
        let bodies = [
            #"{"clientId":"a","text":"plain"}"#,
            #"{"text":"\u0041\u00df\u6771\ud834\udd1e","clientId":"\"quoted\""}"#,
            #"  {"clientId":"x y","text":"tab\there","unused":{"deep":[[[]]],"n":-0.5E+2}}  "#,
            #"{"clientId":"c","text":"end with backslash \\"}"#,
        ]
        for body in bodies {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let message = try decode(Array(body.utf8))
            #expect(message.content == .text(try #require(object["text"] as? String)))
            #expect(message.platformMessageID.hasSuffix(":" + (try #require(object["clientId"] as? String))))
        }
    }
}
