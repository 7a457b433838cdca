import Crypto
import Foundation
import ParleyCore
import ParleyTesting
import Testing
@testable import WebPush

@Suite("Sending through a fake push service")
struct WebPushSenderTests {
    static let now = Date(timeIntervalSince1970: 1_760_000_000)
    static let endpoint = "https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqjZxM0VImWWqDRN7U0a3AycjUf4O"

    /// A browser: its key pair, auth secret and the subscription it would hand the page.
    struct Browser {
        let key = P256.KeyAgreement.PrivateKey()
        let auth = (0..<16).map { _ in UInt8.random(in: 0...255) }

        func subscription(_ endpoint: String = WebPushSenderTests.endpoint) throws -> PushSubscription {
            try PushSubscription(endpoint: endpoint, p256dh: Array(key.publicKey.x963Representation), auth: auth)
        }
    }

    static func sender(hosts: [String] = []) throws -> WebPushSender {
        try WebPushSender(
            signer: VAPIDSigner(keys: .generate(), subject: "mailto:ops@parley.example"),
            policy: PushServicePolicy(pushServiceHosts: hosts)
        )
    }

    static func send(
        _ payload: [UInt8] = Array("hello".utf8), answer: ScriptedTransport.Step, subscription: PushSubscription? = nil,
        ttl: Int = 60, topic: String? = nil
    ) async throws -> (PushOutcome, [TransportRequest]) {
        let transport = ScriptedTransport([answer])
        let outcome = try await sender().send(
            payload, to: try subscription ?? Browser().subscription(), ttl: ttl, urgency: .normal, topic: topic,
            transport: transport, now: now
        )
        return (outcome, await transport.requests)
    }

    @Test func thePushServiceReceivesTheExactRequest() async throws {
        let browser = Browser()
        let sender = try Self.sender()
        let transport = ScriptedTransport([.respond(TransportResponse(status: 201, headers: ["Location": "https://fcm.googleapis.com/m/1"]))])
        let payload = Array(#"{"conversation":42,"text":"您好，已为您查询订单"}"#.utf8)

        let outcome = await sender.send(
            payload, to: try browser.subscription(), ttl: 3600, urgency: .high, topic: "conversation-42",
            transport: transport, now: Self.now
        )
        #expect(outcome == .delivered)

        let requests = await transport.requests
        let request = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.url == Self.endpoint)
        #expect(Set(request.headers.keys) == ["TTL", "Urgency", "Topic", "Content-Encoding", "Content-Type", "Authorization"])
        #expect(request.headers["TTL"] == "3600")
        #expect(request.headers["Urgency"] == "high")
        #expect(request.headers["Topic"] == "conversation-42")
        #expect(request.headers["Content-Encoding"] == "aes128gcm")
        #expect(request.headers["Content-Type"] == "application/octet-stream")

        let authorization = try #require(request.headers["Authorization"])
        let vapid = try #require(ReadVAPID(authorization: authorization))
        #expect(vapid.signatureVerifies)
        #expect(vapid.publicKey == sender.signer.keys.publicKey)
        #expect(vapid.claims["aud"] as? String == "https://fcm.googleapis.com")
        #expect(vapid.claims["exp"] as? Int == 1_760_000_000 + 12 * 3600)
        #expect(vapid.claims["sub"] as? String == "mailto:ops@parley.example")

        let opened = try ReceiverDecryptor.decrypt(request.body, receiver: browser.key, authSecret: browser.auth)
        #expect(opened.plaintext == payload)
        #expect(opened.recordSize == 4096)
    }

    @Test func aFakePushServiceOnLoopbackIsReachedOnlyWhenConfigured() async throws {
        let browser = Browser()
        let subscription = try browser.subscription("http://127.0.0.1:8765/push/abc")

        let refusing = ScriptedTransport([])
        let refused = try await Self.sender().send(
            [1], to: subscription, ttl: 0, urgency: .low, topic: nil, transport: refusing, now: Self.now
        )
        #expect(refused == .failed(reason: "the push endpoint's host 127.0.0.1 is a loopback address; the gateway does not send pushes into its own network"))
        #expect(await refusing.requests.isEmpty)

        let transport = ScriptedTransport([.respond(TransportResponse(status: 201))])
        let outcome = try await Self.sender(hosts: ["127.0.0.1:8765"]).send(
            [1], to: subscription, ttl: 0, urgency: .veryLow, topic: nil, transport: transport, now: Self.now
        )
        #expect(outcome == .delivered)
        let request = try #require(await transport.requests.first)
        #expect(request.url == "http://127.0.0.1:8765/push/abc")
        #expect(request.headers["TTL"] == "0")
        #expect(request.headers["Urgency"] == "very-low")
        #expect(request.headers["Topic"] == nil)
        #expect(ReadVAPID(authorization: request.headers["Authorization"] ?? "")?.claims["aud"] as? String == "http://127.0.0.1:8765")
    }

    @Test func answersMapToOutcomes() async throws {
        let date = "Thu, 09 Oct 2025 08:55:00 GMT"  // 100 s after `now` (1760000000 is 08:53:20 GMT)
        let cases: [(TransportResponse, PushOutcome)] = [
            (TransportResponse(status: 201), .delivered),
            (TransportResponse(status: 200), .delivered),
            (TransportResponse(status: 202), .delivered),
            (TransportResponse(status: 404, body: Array(#"{"code":404,"errno":102,"error":"Not Found","message":"Request did not validate invalid token"}"#.utf8)),
             .subscriptionGone(status: 404)),
            (TransportResponse(status: 410, body: Array(#"{"reason":"Unregistered"}"#.utf8)), .subscriptionGone(status: 410)),
            (TransportResponse(status: 429, headers: ["retry-after": "120"]),
             .retryLater(reason: "push service fcm.googleapis.com is rate limiting (HTTP 429)", after: 120)),
            (TransportResponse(status: 429, headers: ["Retry-After": date], body: Array(#"{"reason":"TooManyRequests"}"#.utf8)),
             .retryLater(reason: "push service fcm.googleapis.com is rate limiting (HTTP 429): TooManyRequests", after: 100)),
            (TransportResponse(status: 500, body: Array("<html><body>Internal</body></html>".utf8)),
             .retryLater(reason: "push service fcm.googleapis.com answered HTTP 500", after: nil)),
            (TransportResponse(status: 503, headers: ["Retry-After": "30"], body: Array("Service Unavailable".utf8)),
             .retryLater(reason: "push service fcm.googleapis.com answered HTTP 503: Service Unavailable", after: 30)),
            (TransportResponse(status: 400, body: Array("UnauthorizedRegistration\n".utf8)),
             .failed(reason: "push service fcm.googleapis.com refused the message (HTTP 400): UnauthorizedRegistration")),
            (TransportResponse(status: 403, body: Array(#"{"reason":"BadJwtToken"}"#.utf8)),
             .failed(reason: "push service fcm.googleapis.com refused the VAPID authorization (HTTP 403): BadJwtToken")),
            (TransportResponse(status: 401, body: Array(#"{"code":401,"errno":109,"error":"Unauthorized","message":"Request did not validate Invalid bearer token: Auth expired"}"#.utf8)),
             .failed(reason: "push service fcm.googleapis.com refused the VAPID authorization (HTTP 401): Request did not validate Invalid bearer token: Auth expired")),
            (TransportResponse(status: 413, body: Array(#"{"error":{"code":413,"message":"Payload too large"}}"#.utf8)),
             .failed(reason: "push service fcm.googleapis.com refused the payload as too large (HTTP 413): Payload too large")),
            (TransportResponse(status: 301, headers: ["Location": "http://169.254.169.254/"]),
             .failed(reason: "push service fcm.googleapis.com redirected (HTTP 301); redirects are not followed")),
        ]
        for (response, expected) in cases {
            let (outcome, requests) = try await Self.send(answer: .respond(response))
            #expect(outcome == expected, "HTTP \(response.status)")
            #expect(requests.count == 1)
        }
    }

    @Test func anUnreachablePushServiceIsRetried() async throws {
        let (outcome, requests) = try await Self.send(answer: .timeout)
        #expect(outcome == .retryLater(reason: "push service fcm.googleapis.com could not be reached: request timed out", after: nil))
        #expect(requests.count == 1)
    }

    @Test func refusalsNeverTouchTheTransport() async throws {
        let browser = Browser()
        var offCurve = Array(browser.key.publicKey.x963Representation)
        offCurve[64] ^= 0x01
        let cases: [(PushSubscription, [UInt8], Int, String?, String)] = [
            (try browser.subscription("https://169.254.169.254/latest/meta-data/"), [1], 60, nil,
             "the push endpoint's host 169.254.169.254 is a link-local address; the gateway does not send pushes into its own network"),
            (try browser.subscription("https://fcm.googleapis.com.evil.example/x"), [1], 60, nil,
             "the push endpoint's host fcm.googleapis.com.evil.example is not a known push service (add it to pushServiceHosts to allow it)"),
            (try browser.subscription(), Array(repeating: 0x41, count: 3994), 60, nil,
             "the push payload is 3994 bytes (with padding); Web Push carries at most 3993"),
            (try browser.subscription(), [1], -1, nil, "the push TTL must be 0 or more seconds, not -1"),
            (try browser.subscription(), [1], 60, "has space", "the push topic 'has space' may use only base64url characters (A–Z a–z 0–9 - _)"),
            (try browser.subscription(), [1], 60, String(repeating: "a", count: 33),
             "the push topic must be 1 to 32 base64url characters; '\(String(repeating: "a", count: 33))' has 33"),
            (try browser.subscription(), [1], 60, "", "the push topic must be 1 to 32 base64url characters; '' has 0"),
            (try PushSubscription(endpoint: Self.endpoint, p256dh: offCurve, auth: browser.auth), [1], 60, nil,
             "the subscription's keys.p256dh is not a point on P-256; the browser must subscribe again"),
        ]
        for (subscription, payload, ttl, topic, reason) in cases {
            let transport = ScriptedTransport([])
            let outcome = try await Self.sender().send(
                payload, to: subscription, ttl: ttl, urgency: .normal, topic: topic, transport: transport, now: Self.now
            )
            #expect(outcome == .failed(reason: reason))
            #expect(await transport.requests.isEmpty, "\(reason)")
        }
    }

    @Test func aTopicOfThirtyTwoBase64URLCharactersIsSent() async throws {
        let topic = "Aa0-_" + String(repeating: "z", count: 27)
        let (outcome, requests) = try await Self.send(answer: .respond(TransportResponse(status: 201)), topic: topic)
        #expect(outcome == .delivered)
        #expect(requests.first?.headers["Topic"] == topic)
    }

    @Test func theLargestPayloadFillsExactly4096Bytes() async throws {
        let browser = Browser()
        let payload = Array(repeating: UInt8(0x7A), count: 3993)
        let (outcome, requests) = try await Self.send(payload, answer: .respond(TransportResponse(status: 201)), subscription: try browser.subscription())
        #expect(outcome == .delivered)
        let body = try #require(requests.first?.body)
        #expect(body.count == 4096)
        #expect(try ReceiverDecryptor.decrypt(body, receiver: browser.key, authSecret: browser.auth).plaintext == payload)
    }
}
