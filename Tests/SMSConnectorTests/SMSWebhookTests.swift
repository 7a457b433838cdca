import Foundation
import ParleyCore
import Synchronization
import Testing
@testable import SMSConnector

/// What a Twilio webhook becomes: messages, opt-outs and receipts, and the answer Twilio gets.
@Suite("SMS webhooks")
struct SMSWebhookTests {
    private func events(_ fields: [(String, String)], connector: SMSConnector? = nil) throws -> [InboundEvent] {
        let connector = try connector ?? SMSFixtures.connector()
        let request = SMSFixtures.request(fields)
        try connector.authenticate(request)
        return try connector.decode(request)
    }

    private func message(_ sid: String, _ content: MessageContent, from: String = SMSFixtures.customer) -> InboundEvent {
        .message(InboundMessage(externalUserID: from, platformMessageID: sid, content: content, sentAt: SMSFixtures.now))
    }

    @Test func anSMSIsATextFromTheSenderKeyedByItsMessageSid() throws {
        let sid = "SM11111111111111111111111111111111"
        #expect(try events(SMSFixtures.sms("Where is my parcel? 📦")) == [message(sid, .text("Where is my parcel? 📦"))])
        // Spaces, plus signs, ampersands and non-Latin text survive the form encoding.
        #expect(try events(SMSFixtures.sms("1+1 = 2 & Grüße, 你好")) == [message(sid, .text("1+1 = 2 & Grüße, 你好"))])
    }

    @Test func theAnswerIsEmptyTwiML() throws {
        let connector = try SMSFixtures.connector()
        let answer = connector.acknowledge(SMSFixtures.request(SMSFixtures.sms("hi")), receipts: [])
        #expect(answer.status == 200)
        #expect(answer.contentType == "text/xml")
        #expect(String(decoding: answer.body, as: UTF8.self) == #"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#)
    }

    @Test func aGetWebhookIsRefusedWithAHint() throws {
        let connector = try SMSFixtures.connector()
        var get = SMSFixtures.request(SMSFixtures.sms("hi"))
        get.method = .get
        #expect(throws: ConnectorError.unsupportedRequest("Twilio webhooks must be configured as HTTP POST; GET is not accepted")) {
            try connector.verify(get)
        }
    }

    @Test(arguments: ["STOP", "stop", "  Stop\n", "STOPALL", "UNSUBSCRIBE", "cancel", "End", "QUIT", "REVOKE", "OPTOUT"])
    func theStopFamilyStoresTheMessageAndOptsTheCustomerOut(word: String) throws {
        let sid = "SM11111111111111111111111111111111"
        #expect(try events(SMSFixtures.sms(word)) == [
            message(sid, .text(word)), .optOut(externalUserID: SMSFixtures.customer, optedOut: true),
        ])
    }

    @Test(arguments: ["START", "yes", " Unstop "])
    func startYesAndUnstopOptBackIn(word: String) throws {
        #expect(try events(SMSFixtures.sms(word)).last == .optOut(externalUserID: SMSFixtures.customer, optedOut: false))
    }

    @Test func aKeywordInsideASentenceIsAnOrdinaryMessage() throws {
        #expect(try events(SMSFixtures.sms("please don't stop the delivery")).count == 1)
        #expect(try events(SMSFixtures.sms("STOP IT")).count == 1)
        #expect(try events(SMSFixtures.sms("yes please")).count == 1)
    }

    @Test func advancedOptOutsOptOutTypeIsHonoured() throws {
        let custom = SMSFixtures.sms("ARRETE") + [("OptOutType", "STOP")]
        #expect(try events(custom).last == .optOut(externalUserID: SMSFixtures.customer, optedOut: true))
        let back = SMSFixtures.sms("REPRENDRE") + [("OptOutType", "START")]
        #expect(try events(back).last == .optOut(externalUserID: SMSFixtures.customer, optedOut: false))
        let help = SMSFixtures.sms("HELP") + [("OptOutType", "HELP")]
        #expect(try events(help).count == 1)
    }

    @Test func anMMSBecomesItsTextThenEachMediaItem() throws {
        let image = SMSFixtures.mediaURL("ME00000000000000000000000000000001")
        let video = SMSFixtures.mediaURL("ME00000000000000000000000000000002")
        let audio = SMSFixtures.mediaURL("ME00000000000000000000000000000003")
        let card = SMSFixtures.mediaURL("ME00000000000000000000000000000004")
        let sid = "MM22222222222222222222222222222222"
        let decoded = try events(SMSFixtures.mms("The box arrived like this", media: [
            (image, "image/jpeg"), (video, "video/mp4"), (audio, "audio/amr"), (card, "text/vcard"),
        ]))
        #expect(decoded == [
            message(sid, .text("The box arrived like this")),
            message(sid + "/1", .image(MediaReference(location: image, mimeType: "image/jpeg"))),
            message(sid + "/2", .video(MediaReference(location: video, mimeType: "video/mp4"))),
            message(sid + "/3", .audio(MediaReference(location: audio, mimeType: "audio/amr"), transcript: nil)),
            message(sid + "/4", .file(MediaReference(location: card, mimeType: "text/vcard"))),
        ])
        // Without a Body, the first media item carries the bare MessageSid.
        #expect(try events(SMSFixtures.mms("", media: [(image, "image/png")])) == [
            message(sid, .image(MediaReference(location: image, mimeType: "image/png"))),
        ])
    }

    @Test func mediaURLsOutsideTwilioAreStoredAsUnsupportedAndReported() throws {
        let reported = Mutex<[String]>([])
        let connector = try SMSFixtures.connector(log: { line in reported.withLock { $0.append(line) } })
        let sid = "MM22222222222222222222222222222222"
        let decoded = try events(SMSFixtures.mms("look", media: [
            ("http://127.0.0.1:8080/admin", "image/jpeg"),
            ("https://169.254.169.254/latest/meta-data/iam/security-credentials/", "image/png"),
            ("https://evil.example/x.jpg", "image/jpeg"),
            ("https://api.twilio.com.evil.example/x.jpg", "image/jpeg"),
            ("https://user:pw@api.twilio.com/x.jpg", "image/jpeg"),
        ]), connector: connector)
        #expect(decoded.count == 6)
        #expect(decoded.first == message(sid, .text("look")))
        let kinds = decoded.dropFirst().map { event -> String in
            guard case .message(let message) = event, case .unsupported(let raw) = message.content else { return "not unsupported" }
            return raw
        }
        #expect(kinds == [
            "MMS image/jpeg, not fetched: media is only fetched over https, not http",
            "MMS image/png, not fetched: the media URL points at a private or local address (169.254.169.254)",
            "MMS image/jpeg, not fetched: the media URL's host evil.example is not the platform's",
            "MMS image/jpeg, not fetched: the media URL's host api.twilio.com.evil.example is not the platform's",
            "MMS image/jpeg, not fetched: the media URL carries credentials",
        ])
        #expect(reported.withLock { $0.count } == 5)
        #expect(reported.withLock { $0[1] }.contains("169.254.169.254"))
    }

    @Test func statusCallbacksBecomeReceiptsForTheMessageSid() throws {
        let sid = "SM99999999999999999999999999999999"
        #expect(try events(SMSFixtures.statusCallback("delivered", sid: sid)) == [
            .deliveryReceipt(platformMessageID: sid, status: .delivered, at: SMSFixtures.now),
        ])
        #expect(try events(SMSFixtures.statusCallback("sent", sid: sid)) == [
            .deliveryReceipt(platformMessageID: sid, status: .sent, at: SMSFixtures.now),
        ])
        #expect(try events(SMSFixtures.statusCallback("undelivered", sid: sid, errorCode: "30003")) == [
            .deliveryReceipt(
                platformMessageID: sid,
                status: .failed(reason: "Twilio reports the message undelivered (error 30003, https://www.twilio.com/docs/errors/30003)"),
                at: SMSFixtures.now
            ),
        ])
        #expect(try events(SMSFixtures.statusCallback("failed", sid: sid, errorCode: "30008")).count == 1)
        #expect(try events(SMSFixtures.statusCallback("queued", sid: sid)).isEmpty)
        #expect(try events(SMSFixtures.statusCallback("sending", sid: sid)).isEmpty)
    }

    @Test func aSignedWebhookWithoutItsEssentialsIsMalformed() throws {
        let connector = try SMSFixtures.connector()
        func refusal(_ fields: [(String, String)]) -> ConnectorError? {
            do {
                _ = try events(fields, connector: connector)
                return nil
            } catch {
                return error as? ConnectorError
            }
        }
        let sid = "SM11111111111111111111111111111111"
        #expect(refusal(SMSFixtures.sms("hi").filter { !$0.0.hasSuffix("Sid") || $0.0 == "AccountSid" })
            == .malformedPayload("the webhook has no MessageSid"))
        #expect(refusal(SMSFixtures.sms("hi").filter { $0.0 != "From" }) == .malformedPayload("the message \(sid) has no From"))
        #expect(refusal(SMSFixtures.sms("hi").map { $0.0 == "NumMedia" ? ($0.0, "many") : $0 })
            == .malformedPayload("NumMedia 'many' is not a number of media items"))
        // An empty SMS is still a message the agent should see.
        #expect(try events(SMSFixtures.sms("")) == [message(sid, .text(""))])
    }

    @Test func credentialsAreCheckedWhenTheChannelIsAdded() {
        func error(_ credentials: [String: String], settings: [String: String] = [:]) -> SMSConfiguration.ConfigurationError? {
            do {
                _ = try SMSFixtures.connector(settings: settings, credentials: credentials)
                return nil
            } catch {
                return error as? SMSConfiguration.ConfigurationError
            }
        }
        let base = SMSFixtures.credentials
        #expect(error(base) == nil)
        #expect(error(base.filter { $0.key != "authToken" }) == .missingCredential("authToken"))
        #expect(error(base.filter { $0.key != "fromNumber" }) == .missingSender)
        #expect(error(base.merging(["accountSid": "AC123/../../x"]) { $1 }) == .invalidSid(name: "accountSid", prefix: "AC"))
        #expect(error(base.merging(["messagingServiceSid": "MGnope"]) { $1 }) == .invalidSid(name: "messagingServiceSid", prefix: "MG"))
        #expect(error(base, settings: ["apiBaseURL": "ftp://x"]) != nil)
        #expect(error(base, settings: ["mediaDomains": "mms.twiliocdn.com, s3-external-1.amazonaws.com"]) == nil)
        #expect(error(base, settings: ["mediaDomains": "*"]) != nil)
        #expect(error(base.merging(["authToken": "hunter2"]) { $1 }).map(String.init(describing:))?.contains("hunter2") != true)
    }
}
