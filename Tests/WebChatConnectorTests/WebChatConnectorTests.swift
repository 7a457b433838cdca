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
