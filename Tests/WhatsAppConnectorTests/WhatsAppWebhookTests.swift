import Foundation
import MetaSigning
import ParleyCore
import Testing
@testable import WhatsAppConnector

@Suite("WhatsApp webhooks")
struct WhatsAppWebhookTests {
    private func status(_ request: WebhookRequest, _ connector: WhatsAppConnector) -> Int {
        do {
            try connector.authenticate(request)
            _ = try connector.decode(request)
            return 200
        } catch {
            return error.httpStatus
        }
    }

    private func messages(_ events: [InboundEvent]) -> [InboundMessage] {
        events.compactMap { if case .message(let message) = $0 { message } else { nil } }
    }

    @Test func theOfficialSampleBecomesOneMessageWithTheSendersName() throws {
        let connector = try WhatsAppFixtures.connector()
        let request = WhatsAppFixtures.request(WhatsAppFixtures.officialTextSample)
        try connector.authenticate(request)
        #expect(try connector.decode(request) == [.message(InboundMessage(
            externalUserID: "16505551234", displayName: "Sheena Nelson",
            platformMessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
            content: .text("Does it come in another color?"), sentAt: Date(timeIntervalSince1970: 1_749_416_383)
        ))])
        #expect(connector.acknowledge(request, receipts: []) == .text("EVENT_RECEIVED"))
    }

    @Test func forgeriesAre401BeforeTheBodyIsRead() throws {
        let connector = try WhatsAppFixtures.connector()
        let garbage = "{not json at all"
        #expect(status(WhatsAppFixtures.request(garbage, signature: "sha256=" + String(repeating: "0", count: 64)), connector) == 401)
        #expect(status(WhatsAppFixtures.request(garbage, signature: ""), connector) == 401, "no signature header")
        #expect(status(WhatsAppFixtures.request(WhatsAppFixtures.officialTextSample, signature: ""), connector) == 401)
        let tampered = WhatsAppFixtures.officialTextSample.replacingOccurrences(of: "another color", with: "a refund")
        let signedOriginal = MetaSignature.sign(Array(WhatsAppFixtures.officialTextSample.utf8), appSecret: WhatsAppFixtures.appSecret)
        #expect(status(WhatsAppFixtures.request(tampered, signature: signedOriginal), connector) == 401)
        // Signed with the secret of another app.
        #expect(status(WhatsAppFixtures.request(garbage, signature: MetaSignature.sign(Array(garbage.utf8), appSecret: "other")), connector) == 401)
        // Properly signed but broken: now it is the body's fault.
        #expect(status(WhatsAppFixtures.request(garbage), connector) == 400)
        #expect(status(WhatsAppFixtures.request(WhatsAppFixtures.officialTextSample, contentType: "application/x-www-form-urlencoded"), connector) == 400)
        #expect(status(WhatsAppFixtures.request(#"{"object":"page","entry":[]}"#), connector) == 400, "a Messenger body")
    }

    @Test func verificationEchoesTheChallengeOnlyForTheVerifyToken() throws {
        let connector = try WhatsAppFixtures.connector()
        #expect(try connector.verify(WhatsAppFixtures.verification())
            == WebhookResponse(status: 200, contentType: "text/plain", body: Array("1158201444".utf8)))
        #expect(throws: ConnectorError.forbidden("hub.verify_token does not match the channel's verifyToken")) {
            try connector.verify(WhatsAppFixtures.verification(token: "guess"))
        }
        #expect(throws: ConnectorError.self) { try connector.verify(WhatsAppFixtures.verification(mode: "unsubscribe")) }
    }

    @Test func aBatchOfSeveralEntriesYieldsEveryMessageAndReceiptOnce() throws {
        let connector = try WhatsAppFixtures.connector()
        let body = WhatsAppFixtures.webhook([
            WhatsAppFixtures.entry(messages: [
                WhatsAppFixtures.text("first", id: "wamid.A"),
                WhatsAppFixtures.text("second", id: "wamid.B"),
                WhatsAppFixtures.text("first", id: "wamid.A"),
            ]),
            WhatsAppFixtures.entry(messages: [WhatsAppFixtures.text("from Bob", id: "wamid.C", from: "447700900123")], name: "Bob", from: "447700900123"),
            WhatsAppFixtures.entry(
                messages: [WhatsAppFixtures.text("other number", id: "wamid.OTHER")], statuses: [WhatsAppFixtures.status("wamid.X", "read")],
                phoneNumberID: "999999999"
            ),
            WhatsAppFixtures.entry(statuses: [
                WhatsAppFixtures.status("wamid.OUT1", "sent"), WhatsAppFixtures.status("wamid.OUT1", "delivered"),
                WhatsAppFixtures.status("wamid.OUT1", "delivered"), WhatsAppFixtures.status("wamid.OUT1", "played"),
            ]),
        ])
        let events = try connector.decode(WhatsAppFixtures.request(body))
        #expect(messages(events).map(\.platformMessageID) == ["wamid.A", "wamid.B", "wamid.C"])
        #expect(messages(events).map(\.displayName) == ["Sheena Nelson", "Sheena Nelson", "Bob"])
        #expect(messages(events).map(\.externalUserID) == [WhatsAppFixtures.customer, WhatsAppFixtures.customer, "447700900123"])
        let at = Date(timeIntervalSince1970: 1_749_416_500)
        #expect(Array(events.dropFirst(3)) == [
            .deliveryReceipt(platformMessageID: "wamid.OUT1", status: .sent, at: at),
            .deliveryReceipt(platformMessageID: "wamid.OUT1", status: .delivered, at: at),
        ])
    }

    @Test func everyMessageKindIsNormalizedAndUnknownKindsAreKept() throws {
        let connector = try WhatsAppFixtures.connector()
        let body = WhatsAppFixtures.webhook([WhatsAppFixtures.entry(messages: [
            WhatsAppFixtures.message("image", #"{"caption":"the scratch","mime_type":"image/jpeg","sha256":"abc","id":"1479537139650973"}"#, id: "m1"),
            WhatsAppFixtures.message("audio", #"{"mime_type":"audio/ogg; codecs=opus","sha256":"abc","id":"2","voice":true}"#, id: "m2"),
            WhatsAppFixtures.message("video", #"{"mime_type":"video/mp4","id":"3"}"#, id: "m3"),
            WhatsAppFixtures.message("document", #"{"filename":"invoice.pdf","mime_type":"application/pdf","id":"4"}"#, id: "m4"),
            WhatsAppFixtures.message("sticker", #"{"mime_type":"image/webp","id":"5","animated":false}"#, id: "m5"),
            WhatsAppFixtures.message("location", #"{"latitude":37.4847,"longitude":-122.1477,"name":"Meta HQ","address":"1 Hacker Way"}"#, id: "m6"),
            WhatsAppFixtures.message(
                "contacts",
                #"[{"name":{"formatted_name":"Ann Lee","first_name":"Ann"},"phones":[{"phone":"+1 650 555 0100","type":"CELL"}]},{"name":{"first_name":"Bo","last_name":"Chen"},"phones":[{"wa_id":"16505550101"}]}]"#,
                id: "m7"
            ),
            WhatsAppFixtures.message("interactive", #"{"type":"button_reply","button_reply":{"id":"track-order","title":"Track"}}"#, id: "m8"),
            WhatsAppFixtures.message("interactive", #"{"type":"list_reply","list_reply":{"id":"size-m","title":"M","description":"Medium"}}"#, id: "m9"),
            WhatsAppFixtures.message("button", #"{"payload":"STOP_PROMOS","text":"Stop promotions"}"#, id: "m10"),
            WhatsAppFixtures.message("reaction", #"{"message_id":"wamid.OUT1","emoji":"👍"}"#, id: "m11"),
            WhatsAppFixtures.message("reaction", #"{"message_id":"wamid.OUT1"}"#, id: "m12"),
            WhatsAppFixtures.message("order", #"{"catalog_id":"1","product_items":[]}"#, id: "m13"),
            #"{"from":"16505551234","id":"m14","timestamp":"1749416383","type":"unsupported","errors":[{"code":131051,"title":"Message type unknown"}]}"#,
            WhatsAppFixtures.message("interactive", #"{"type":"call_permission_reply"}"#, id: "m15"),
            WhatsAppFixtures.text("sent from the business app", id: "m16", from: WhatsAppFixtures.displayNumber),
        ])])
        let contents = messages(try connector.decode(WhatsAppFixtures.request(body))).map { "\($0.platformMessageID) \($0.content)" }
        let expected: [(String, MessageContent)] = [
            ("m1", .image(MediaReference(location: "whatsapp-media:1479537139650973", mimeType: "image/jpeg", caption: "the scratch"))),
            ("m2", .audio(MediaReference(location: "whatsapp-media:2", mimeType: "audio/ogg; codecs=opus"), transcript: nil)),
            ("m3", .video(MediaReference(location: "whatsapp-media:3", mimeType: "video/mp4"))),
            ("m4", .file(MediaReference(location: "whatsapp-media:4", mimeType: "application/pdf", fileName: "invoice.pdf"))),
            ("m5", .sticker(id: "5", url: "whatsapp-media:5")),
            ("m6", .location(latitude: 37.4847, longitude: -122.1477, name: "Meta HQ", address: "1 Hacker Way")),
            ("m7", .contactCard(name: "Ann Lee", phones: ["+1 650 555 0100"])),
            ("m7#2", .contactCard(name: "Bo Chen", phones: ["16505550101"])),
            ("m8", .event(name: "button_reply", payload: "track-order")),
            ("m9", .event(name: "list_reply", payload: "size-m")),
            ("m10", .event(name: "button", payload: "STOP_PROMOS")),
            ("m11", .event(name: "reaction", payload: "👍")),
            ("m12", .event(name: "reaction_removed", payload: nil)),
            ("m13", .unsupported(rawType: "order")),
            ("m14", .unsupported(rawType: "unsupported")),
            ("m15", .unsupported(rawType: "interactive.call_permission_reply")),
        ]
        #expect(contents == expected.map { "\($0.0) \($0.1)" }, "the business's own message (m16) is an echo and skipped")
    }

    @Test func failedStatusesCarryMetasReason() throws {
        let connector = try WhatsAppFixtures.connector()
        let body = WhatsAppFixtures.webhook([WhatsAppFixtures.entry(statuses: [
            WhatsAppFixtures.status(
                "wamid.OUT2", "failed",
                errors: #"[{"code":131026,"title":"Message undeliverable","message":"Message undeliverable","error_data":{"details":"Receiver is incapable of receiving this message"}}]"#
            ),
            WhatsAppFixtures.status("wamid.OUT3", "read", timestamp: "1749416600"),
        ])])
        #expect(try connector.decode(WhatsAppFixtures.request(body)) == [
            .deliveryReceipt(
                platformMessageID: "wamid.OUT2",
                status: .failed(reason: "WhatsApp could not deliver the message: Message undeliverable (Receiver is incapable of receiving this message) [code 131026]"),
                at: Date(timeIntervalSince1970: 1_749_416_500)
            ),
            .deliveryReceipt(platformMessageID: "wamid.OUT3", status: .read, at: Date(timeIntervalSince1970: 1_749_416_600)),
        ])
    }

    @Test func otherFieldsAndEmptyBatchesAreAcceptedWithNothingToStore() throws {
        let connector = try WhatsAppFixtures.connector()
        #expect(try connector.decode(WhatsAppFixtures.request(WhatsAppFixtures.webhook([]))).isEmpty)
        let template = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":1}}]}]}"#
        #expect(try connector.decode(WhatsAppFixtures.request(template)).isEmpty)
        let noID = WhatsAppFixtures.webhook([WhatsAppFixtures.entry(messages: [#"{"from":"1","type":"text","text":{"body":"x"}}"#])])
        #expect(throws: ConnectorError.malformedPayload("entry[0].changes[0].value.messages[0] has no id")) {
            try connector.decode(WhatsAppFixtures.request(noID))
        }
    }

    @Test func configurationIsCheckedWhenTheChannelIsAdded() throws {
        func build(_ credentials: [String: String], _ settings: [String: String] = [:]) -> String? {
            do {
                _ = try WhatsAppConnector(channel: Channel(id: ChannelID("c"), kind: .whatsapp, name: "W", settings: settings), credentials: credentials)
                return nil
            } catch {
                return error.description
            }
        }
        var credentials = WhatsAppFixtures.credentials
        #expect(build(credentials) == nil)
        credentials["appSecret"] = nil
        #expect(build(credentials) == "WhatsApp credential 'appSecret' is missing")
        #expect(build(WhatsAppFixtures.credentials.merging(["phoneNumberId": "12/../34"]) { $1 })
            == "WhatsApp credential 'phoneNumberId' is not a numeric Graph id")
        #expect(build(WhatsAppFixtures.credentials, ["graphVersion": "25"]) == "WhatsApp setting graphVersion='25' is not a Graph API version such as v25.0")
        #expect(build(WhatsAppFixtures.credentials, ["apiBaseURL": "ftp://x"]) == "WhatsApp setting apiBaseURL='ftp://x' is not an http(s) URL")
        let failure = build(WhatsAppFixtures.credentials.merging(["accessToken": ""]) { $1 })
        #expect(failure == "WhatsApp credential 'accessToken' is missing")
    }
}
