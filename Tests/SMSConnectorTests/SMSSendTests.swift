import Foundation
import ParleyCore
import ParleyTesting
import Testing
@testable import SMSConnector

/// Replies as Twilio's Messages API receives them, over real HTTP to a fake Twilio, and what the
/// agent learns when Twilio refuses.
@Suite("SMS sending through Twilio")
struct SMSSendTests {
    private typealias Field = FakeTwilioAPI.Field

    @Test func aReplyIsOneFormPostWithBasicAuthAndExactlyTheseFields() async throws {
        try await withTwilioAPI { api, transport in
            let connector = try SMSFixtures.connector(api)
            let outcome = await connector.send(SMSFixtures.delivery(.text("Your parcel ships today & arrives Friday 🚚")), transport: transport)
            let requests = await api.state.messageRequests
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(outcome == .sent(platformMessageID: "SM00000000000000000000000000000001", via: .freeText))
            #expect(request.method == "POST")
            #expect(request.path == "/2010-04-01/Accounts/\(SMSFixtures.accountSid)/Messages.json")
            #expect(request.authorization == SMSFixtures.basicAuthorization)
            #expect(request.contentType == "application/x-www-form-urlencoded")
            #expect(request.form == [
                Field("To", SMSFixtures.customer), Field("From", SMSFixtures.ourNumber),
                Field("Body", "Your parcel ships today & arrives Friday 🚚"),
            ])
        }
    }

    @Test func aMessagingServiceAndAStatusCallbackAreSentWhenConfigured() async throws {
        try await withTwilioAPI { api, transport in
            let connector = try SMSFixtures.connector(
                api, settings: ["statusCallback": "https://parley.example/hooks/ch_sms"],
                credentials: SMSFixtures.credentials.merging(["messagingServiceSid": SMSFixtures.serviceSid]) { $1 }
            )
            #expect(await connector.send(SMSFixtures.delivery(.text("hi")), transport: transport) != .failed(reason: ""))
            #expect(await api.state.accepted.map(\.form) == [[
                Field("To", SMSFixtures.customer), Field("MessagingServiceSid", SMSFixtures.serviceSid), Field("Body", "hi"),
                Field("StatusCallback", "https://parley.example/hooks/ch_sms"),
            ]])
        }
    }

    @Test func a3500CharacterReplyIsThreeMessagesInOrder() async throws {
        try await withTwilioAPI { api, transport in
            let connector = try SMSFixtures.connector(api)
            let text = String(repeating: "a", count: 1_600) + String(repeating: "b", count: 1_600) + String(repeating: "c", count: 300)
            let outcome = await connector.send(SMSFixtures.delivery(.text(text)), transport: transport)
            #expect(outcome == .sent(platformMessageID: "SM00000000000000000000000000000001", via: .freeText))
            let bodies = await api.state.accepted.compactMap { $0.field("Body") }
            #expect(bodies.map(\.count) == [1_600, 1_600, 300])
            #expect(bodies.joined() == text)
            #expect(bodies.map { $0.first } == ["a", "b", "c"])
        }
    }

    @Test func piecesNeverExceedTwiliosLimitEvenWithEmojiOrALargerTextLimit() async throws {
        try await withTwilioAPI { api, transport in
            let connector = try SMSFixtures.connector(api, settings: ["textLimit": "5000"])
            let text = String(repeating: "👍🏽", count: 1_000)
            #expect(await connector.send(SMSFixtures.delivery(.text(text)), transport: transport) != .failed(reason: ""))
            let bodies = await api.state.accepted.compactMap { $0.field("Body") }
            #expect(bodies.joined() == text)
            #expect(bodies.allSatisfy { $0.utf16.count <= 1_600 })
            #expect(await api.state.messageRequests.allSatisfy { $0.status == 201 })
        }
    }

    @Test func anImageGoesAsMediaUrlWithItsCaption() async throws {
        try await withTwilioAPI { api, transport in
            let connector = try SMSFixtures.connector(api)
            let image = MediaReference(location: "https://cdn.example.com/label.png", mimeType: "image/png", caption: "Your return label")
            #expect(await connector.send(SMSFixtures.delivery(.image(image)), transport: transport) != .failed(reason: ""))
            #expect(await api.state.accepted.map(\.form) == [[
                Field("To", SMSFixtures.customer), Field("From", SMSFixtures.ourNumber), Field("Body", "Your return label"),
                Field("MediaUrl", "https://cdn.example.com/label.png"),
            ]])
            let file = MediaReference(location: "https://cdn.example.com/invoice.pdf", mimeType: "application/pdf", fileName: "invoice.pdf")
            #expect(await connector.send(SMSFixtures.delivery(.file(file), id: 43), transport: transport) != .failed(reason: ""))
            #expect(await api.state.accepted.last?.form == [
                Field("To", SMSFixtures.customer), Field("From", SMSFixtures.ourNumber), Field("MediaUrl", "https://cdn.example.com/invoice.pdf"),
            ])
        }
    }

    @Test func mediaTwilioCouldNotFetchAndOtherKindsFailWithoutARequest() async throws {
        try await withTwilioAPI { api, transport in
            let connector = try SMSFixtures.connector(api)
            let stored = MediaReference(location: MediaReference.stored(for: MessageID(7)), mimeType: "image/jpeg")
            #expect(await connector.send(SMSFixtures.delivery(.image(stored)), transport: transport)
                == .failed(reason: "Twilio fetches MMS media from a public https URL; this file is only stored in Parley"))
            let local = MediaReference(location: "https://10.0.0.5/label.png")
            #expect(await connector.send(SMSFixtures.delivery(.image(local)), transport: transport)
                == .failed(reason: "Twilio fetches MMS media from a public https URL, not https://10.0.0.5/label.png"))
            #expect(await connector.send(SMSFixtures.delivery(.location(latitude: 1, longitude: 2, name: nil, address: nil)), transport: transport)
                == .failed(reason: "SMS carries text and MMS media (images, video, audio, files); not location"))
            #expect(await api.state.requests.isEmpty)
        }
    }

    @Test func twiliosErrorsBecomeWhatTheAgentSees() async throws {
        try await withTwilioAPI { api, transport in
            let connector = try SMSFixtures.connector(api)
            func send(_ answer: FakeTwilioAPI.Scripted, id: Int64) async -> SendOutcome {
                await api.state.answerNext([answer])
                return await connector.send(SMSFixtures.delivery(.text("hello"), id: id), transport: transport)
            }
            #expect(await send(.tooManyRequests(retryAfter: 7), id: 1)
                == .retryLater(reason: "Twilio's rate limit: Too Many Requests (HTTP 429, error 20429)", after: 7))
            #expect(await send(.tooManyRequests(retryAfter: nil), id: 2)
                == .retryLater(reason: "Twilio's rate limit: Too Many Requests (HTTP 429, error 20429)", after: nil))
            #expect(await send(.serverError, id: 3)
                == .retryLater(reason: "Twilio is unavailable: Internal Server Error (HTTP 500, error 20500)", after: nil))
            #expect(await send(.optedOut, id: 4)
                == .failed(reason: "the customer opted out (replied STOP); Twilio refuses to message them (error 21610)"))
            #expect(await send(.invalidNumber("+1555"), id: 5)
                == .failed(reason: "the customer's number cannot receive this message: Invalid 'To' Phone Number: +1555 (HTTP 400, error 21211)"))
            #expect(await send(.error(status: 400, code: 21614, message: "'To' number is not a valid mobile number"), id: 6)
                == .failed(reason: "the customer's number cannot receive this message: 'To' number is not a valid mobile number (HTTP 400, error 21614)"))
            #expect(await send(.error(status: 400, code: 21408, message: "Permission to send an SMS has not been enabled for the region"), id: 7)
                == .failed(reason: "Twilio refused the message: Permission to send an SMS has not been enabled for the region (HTTP 400, error 21408)"))
        }
    }

    @Test func wrongCredentialsFailAndTheTokenNeverAppearsInAReason() async throws {
        try await withTwilioAPI { api, transport in
            let wrong = "0000000000000000000000000000dead"
            let connector = try SMSFixtures.connector(api, credentials: SMSFixtures.credentials.merging(["authToken": wrong]) { $1 })
            let outcome = await connector.send(SMSFixtures.delivery(.text("hi")), transport: transport)
            #expect(outcome == .failed(reason: "Twilio refused the channel's accountSid and authToken: Authenticate (HTTP 401, error 20003)"))
            let basic = String(("Basic " + Data("\(SMSFixtures.accountSid):\(wrong)".utf8).base64EncodedString()).dropFirst(6))
            #expect(connector.redacted("token \(wrong), header \(basic)") == "token [auth token], header [credentials]")
        }
    }

    @Test func aTimeoutIsRetriedAndAnUnreachableTwilioToo() async throws {
        try await withTwilioAPI { api, transport in
            let connector = try SMSFixtures.connector(api)
            await api.state.answerNext([.delay(seconds: 2)])
            let slow = await connector.send(SMSFixtures.delivery(.text("hi")), transport: ImpatientTransport(base: transport, timeout: 0.3))
            guard case .retryLater(let reason, nil) = slow else {
                Issue.record("expected a retry, got \(slow)")
                return
            }
            #expect(reason.hasPrefix("Twilio API unreachable: "))
            #expect(!reason.contains(SMSFixtures.authToken))

            let nowhere = try SMSFixtures.connector(settings: ["apiBaseURL": "http://127.0.0.1:9"])
            let refused = await nowhere.send(SMSFixtures.delivery(.text("hi")), transport: ImpatientTransport(base: transport, timeout: 1))
            guard case .retryLater = refused else {
                Issue.record("a refused connection must be retried")
                return
            }
        }
    }

    @Test func aRetryAfterAPartialSendResumesWithTheNextPiece() async throws {
        try await withTwilioAPI { api, transport in
            let connector = try SMSFixtures.connector(api)
            let text = String(repeating: "a", count: 1_600) + String(repeating: "b", count: 1_600) + "c"
            await api.state.answerNext([.delay(seconds: 0), .tooManyRequests(retryAfter: 1)])
            let first = await connector.send(SMSFixtures.delivery(.text(text)), transport: transport)
            #expect(first == .retryLater(reason: "Twilio's rate limit: Too Many Requests (HTTP 429, error 20429) (piece 2 of 3)", after: 1))
            let second = await connector.send(SMSFixtures.delivery(.text(text), attempt: 2), transport: transport)
            #expect(second == .sent(platformMessageID: "SM00000000000000000000000000000001", via: .freeText))
            let bodies = await api.state.accepted.compactMap { $0.field("Body")?.first }
            #expect(bodies == ["a", "b", "c"], "each piece reached the phone once, in order")
        }
    }
}
