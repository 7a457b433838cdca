import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing
@testable import SMSConnector

/// The SMS connector inside the real gateway and store, talking to a fake Twilio over real
/// HTTP: what an SMS customer and an agent observe.
@Suite("SMS through the gateway")
struct SMSGatewayTests {
    static let twiML = WebhookResponse(
        status: 200, contentType: "text/xml", body: Array(#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#.utf8)
    )

    @Test func anSMSIsStoredOnceEvenWhenTwilioRetriesAndAnsweredWithEmptyTwiML() async throws {
        try await SMSGatewayHarness.run { harness throws in
            #expect(try await harness.post(SMSFixtures.sms("Hi, my order #1234 hasn't arrived")) == Self.twiML)
            #expect(try await harness.post(SMSFixtures.sms("Hi, my order #1234 hasn't arrived")) == Self.twiML)
            let conversation = try await harness.onlyConversation()
            let messages = try await harness.messages(conversation)
            #expect(messages.map(\.content) == [.text("Hi, my order #1234 hasn't arrived")])
            #expect(messages.map(\.platformMessageID) == ["SM11111111111111111111111111111111"])
        }
    }

    @Test func stopIsStoredOptsTheCustomerOutAndALaterReplyNeverReachesTwilio() async throws {
        try await SMSGatewayHarness.run { harness throws in
            _ = try await harness.post(SMSFixtures.sms("Where's my order?"))
            #expect(try await harness.post(SMSFixtures.sms("STOP", sid: "SM33333333333333333333333333333333")) == Self.twiML)
            let conversation = try await harness.onlyConversation()
            #expect(try await harness.messages(conversation).map(\.content) == [.text("Where's my order?"), .text("STOP")])

            let reply = try await harness.gateway.reply(to: conversation.id, text: "It ships tomorrow.", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            #expect(try await harness.message(reply.id)?.status == .failed(reason: Dispatcher.optedOutReason))
            #expect(await harness.api.state.requests.isEmpty, "Twilio received nothing")
            #expect(await harness.transport.intendedURLs.isEmpty)
        }
    }

    @Test func startOptsTheCustomerBackIn() async throws {
        try await SMSGatewayHarness.run { harness throws in
            _ = try await harness.post(SMSFixtures.sms("stop", sid: "SM33333333333333333333333333333333"))
            _ = try await harness.post(SMSFixtures.sms("Start", sid: "SM44444444444444444444444444444444"))
            let conversation = try await harness.onlyConversation()
            let reply = try await harness.gateway.reply(to: conversation.id, text: "Welcome back!", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            #expect(try await harness.message(reply.id)?.status == .sent)
            let accepted = await harness.api.state.accepted
            #expect(accepted.map { $0.field("To") } == [SMSFixtures.customer])
            #expect(accepted.map { $0.field("Body") } == ["Welcome back!"])
            #expect(await harness.transport.intendedURLs == [
                "https://api.twilio.com/2010-04-01/Accounts/\(SMSFixtures.accountSid)/Messages.json",
            ])
        }
    }

    @Test func twiliosOwnOptOutErrorFailsTheReplyWithTheReason() async throws {
        try await SMSGatewayHarness.run { harness throws in
            _ = try await harness.post(SMSFixtures.sms("hello"))
            await harness.api.state.answerNext([.optedOut])
            let reply = try await harness.gateway.reply(to: try await harness.onlyConversation().id, text: "Hi!", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            #expect(try await harness.message(reply.id)?.status
                == .failed(reason: "the customer opted out (replied STOP); Twilio refuses to message them (error 21610)"))
        }
    }

    @Test func aLongReplyThatMeetsARateLimitArrivesOnceInOrder() async throws {
        try await SMSGatewayHarness.run { harness throws in
            _ = try await harness.post(SMSFixtures.sms("Can you send me the full terms?"))
            let conversation = try await harness.onlyConversation()
            let text = String(repeating: "1", count: 1_600) + String(repeating: "2", count: 1_600) + String(repeating: "3", count: 300)
            await harness.api.state.answerNext([.delay(seconds: 0), .tooManyRequests(retryAfter: 2)])
            let reply = try await harness.gateway.reply(to: conversation.id, text: text, by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            #expect(try await harness.message(reply.id)?.status == .queued)
            harness.clock.advance(by: 3)
            await harness.gateway.dispatcher.drainDue()
            let stored = try await harness.message(reply.id)
            #expect(stored?.status == .sent)
            #expect(stored?.platformMessageID == "SM00000000000000000000000000000001")
            let bodies = await harness.api.state.accepted.compactMap { $0.field("Body") }
            #expect(bodies.map(\.count) == [1_600, 1_600, 300])
            #expect(bodies.joined() == text)
        }
    }

    @Test func aStatusCallbackMarksTheReplyDelivered() async throws {
        try await SMSGatewayHarness.run { harness throws in
            _ = try await harness.post(SMSFixtures.sms("hello"))
            let reply = try await harness.gateway.reply(to: try await harness.onlyConversation().id, text: "Hi there", by: harness.agent)
            await harness.gateway.dispatcher.drainDue()
            let sid = try #require(try await harness.message(reply.id)?.platformMessageID)
            #expect(try await harness.post(SMSFixtures.statusCallback("delivered", sid: sid)) == Self.twiML)
            #expect(try await harness.message(reply.id)?.status == .delivered)
        }
    }

    @Test func mmsMediaAtPrivateMetadataOrForeignHostsIsNeverFetchedButTheMessageIsStored() async throws {
        try await SMSGatewayHarness.run { harness throws in
            let port = harness.api.port
            let fields = SMSFixtures.mms("photo of the damage", media: [
                ("http://127.0.0.1:\(port)\(SMSFixtures.mediaPath())", "image/jpeg"),
                ("https://127.0.0.1:\(port)\(SMSFixtures.mediaPath())", "image/jpeg"),
                ("https://169.254.169.254/latest/meta-data/iam/security-credentials/", "image/jpeg"),
                ("https://evil.example/damage.jpg", "image/jpeg"),
            ])
            #expect(try await harness.post(fields) == Self.twiML)
            #expect(await harness.gateway.mediaFetcher.fetchDue() == 0)
            #expect(await harness.api.state.requests.isEmpty, "the fake recorded no request")
            #expect(await harness.transport.intendedURLs.isEmpty)

            let messages = try await harness.messages(try await harness.onlyConversation())
            #expect(messages.count == 5)
            #expect(messages.first?.content == .text("photo of the damage"))
            #expect(messages.dropFirst().allSatisfy { $0.content.kind == .unsupported })
            #expect(messages.dropFirst().map(\.content.previewText).allSatisfy { $0.contains("not fetched") })
        }
    }

    @Test func twilioMediaIsDownloadedOnReceiptAndServedToAgents() async throws {
        try await SMSGatewayHarness.run { harness throws in
            let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xDB] + Array("a photo".utf8)
            await harness.api.state.addRedirect(path: SMSFixtures.mediaPath(), to: "https://mms.twiliocdn.com/cdn/ME0123?Expires=1&Signature=s")
            await harness.api.state.addMedia(path: "/cdn/ME0123", contentType: "image/jpeg", bytes: jpeg, requiresAuth: false)
            _ = try await harness.post(SMSFixtures.mms("", media: [(SMSFixtures.mediaURL(), "image/jpeg")]))
            #expect(await harness.gateway.mediaFetcher.fetchDue() == 1)

            let message = try #require(try await harness.messages(try await harness.onlyConversation()).first)
            #expect(message.platformMessageID == "MM22222222222222222222222222222222")
            #expect(message.content == .image(MediaReference(location: MediaReference.stored(for: message.id), mimeType: "image/jpeg")))
            let file = try await harness.gateway.mediaFile(of: message.id, for: harness.agent)
            #expect(file.bytes == jpeg && file.mimeType == "image/jpeg")
            #expect(await harness.api.state.mediaRequests.map(\.authorization) == [SMSFixtures.basicAuthorization, nil])
        }
    }
}
