import Foundation
import ParleyCore
import ParleyTesting
import Testing
@testable import LineConnector

@Suite("LINE sends against a fake LINE API")
struct LineSendTests {
    @Test func aReplyIsPushedAsTheExactJSONWithTokenAndRetryKey() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            let outcome = await line.send(LineFixtures.delivery(.text("ご注文は発送済みです \"quoted\" https://example.com/a")), transport: transport)
            guard case .sent(let id?, let route) = outcome else { Issue.record("not sent: \(outcome)"); return }
            #expect(!id.isEmpty && route == .push)

            let requests = await api.state.messageRequests
            #expect(requests.count == 1)
            let push = try #require(requests.first)
            #expect(push.path == "/v2/bot/message/push")
            #expect(push.authorization == "Bearer \(LineFixtures.accessToken)")
            #expect(push.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(push.retryKey == LineRetryKey.key(channel: ChannelID("ch_line"), message: MessageID(42), part: 0))
            #expect(push.body == .parse(#"""
                {"to":"U206d25c2ea6bd87c17655609a1c37cb8","messages":[{"type":"text","text":"ご注文は発送済みです \"quoted\" https://example.com/a"}]}
                """#))
            #expect(await api.state.delivered.map(\.to) == [LineFixtures.userID])
        }
    }

    @Test func stickersLocationsAndImagesByURLBecomeLINEMessageObjects() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            let contents: [MessageContent] = [
                .sticker(id: "446/1988", url: nil),
                .location(latitude: 35.65910807942215, longitude: 139.70372892916203, name: "LINE Corporation", address: "Tokyo"),
                .location(latitude: 35.5, longitude: 139.5, name: nil, address: nil),
                .image(MediaReference(location: "https://cdn.example.com/label.png")),
            ]
            for (index, content) in contents.enumerated() {
                let outcome = await line.send(LineFixtures.delivery(content, id: Int64(index + 1)), transport: transport)
                guard case .sent = outcome else { Issue.record("\(content): \(outcome)"); continue }
            }
            #expect(await api.state.delivered.map(\.messages) == [
                [.parse(#"{"type":"sticker","packageId":"446","stickerId":"1988"}"#)],
                [.parse(#"{"type":"location","title":"LINE Corporation","address":"Tokyo","latitude":35.65910807942215,"longitude":139.70372892916203}"#)],
                [.parse(#"{"type":"location","title":"Location","address":"35.5, 139.5","latitude":35.5,"longitude":139.5}"#)],
                [.parse(#"{"type":"image","originalContentUrl":"https://cdn.example.com/label.png","previewImageUrl":"https://cdn.example.com/label.png"}"#)],
            ])
        }
    }

    @Test func whatLINECannotCarryFailsWithAReasonAndSendsNothing() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            let refused: [(MessageContent, String)] = [
                (.image(MediaReference(location: "line-content:354718705033693861")),
                 "LINE can't send an image from a received line-content: id; it needs a public https URL"),
                (.image(MediaReference(location: "http://insecure.example.com/a.png")),
                 "LINE sends images only from a public https URL, not http://insecure.example.com/a.png"),
                (.video(MediaReference(location: "line-content:1")),
                 "LINE needs a video's https URL and a preview image, which Parley doesn't have; send a link instead"),
                (.audio(MediaReference(location: "line-content:2"), transcript: nil),
                 "LINE needs an audio file's https URL and its duration, which Parley doesn't have; send a link instead"),
                (.file(MediaReference(location: "https://example.com/a.pdf")), "the LINE Messaging API can't send files; send a link instead"),
                (.sticker(id: "446", url: nil), "a LINE sticker id is 'packageId/stickerId', not '446'"),
                (.template(name: "t", language: nil, parameters: []), "LINE messages can carry text, images, stickers or locations; not template"),
            ]
            for (content, reason) in refused {
                #expect(await line.send(LineFixtures.delivery(content), transport: transport) == .failed(reason: reason))
            }
            #expect(await api.state.requests.isEmpty)
        }
    }

    @Test func twentySixThousandCharactersGoAsSixTextObjectsInTwoRequestsInOrder() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            let text = (0..<26_000).map { index in String(UnicodeScalar(UInt8(97 + index % 26))) }.joined()
            guard case .sent = await line.send(LineFixtures.delivery(.text(text)), transport: transport) else {
                Issue.record("not sent")
                return
            }
            let requests = await api.state.messageRequests
            let pieces = LineFixtures.texts(requests)
            #expect(pieces.map(\.count) == [5, 1])
            #expect(pieces.flatMap { $0 }.map(\.count) == [5_000, 5_000, 5_000, 5_000, 5_000, 1_000])
            #expect(pieces.flatMap { $0 }.joined() == text)
            #expect(requests.map(\.retryKey) == [
                LineRetryKey.key(channel: ChannelID("ch_line"), message: MessageID(42), part: 0),
                LineRetryKey.key(channel: ChannelID("ch_line"), message: MessageID(42), part: 1),
            ])
            #expect(await api.state.delivered.count == 2)
        }
    }

    @Test func a500ThatDeliveredAnywayIsRetriedWithTheSameKeyAndArrivesOnce() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            await api.state.script([.deliverThenFail(status: 500)])
            let first = await line.send(LineFixtures.delivery(.text("your refund is on its way")), transport: transport)
            #expect(first == .retryLater(reason: "LINE API answered HTTP 500: An error occurred in the internal server", after: nil))
            let retried = await line.send(LineFixtures.delivery(.text("your refund is on its way"), attempt: 2), transport: transport)
            guard case .sent(let id, let route) = retried else { Issue.record("retry not sent: \(retried)"); return }
            #expect(id == "600000000000000001", "409 carries the id LINE gave the first delivery")
            #expect(route == .push)

            let requests = await api.state.messageRequests
            #expect(requests.map(\.status) == [500, 409])
            #expect(requests[0].retryKey != nil && requests[0].retryKey == requests[1].retryKey)
            #expect(await api.state.delivered.count == 1, "the customer sees the message once")
        }
    }

    @Test func a500ThatDeliveredNothingIsDeliveredByTheRetry() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            await api.state.script([.fail(status: 503, message: "Service Unavailable")])
            #expect(await line.send(LineFixtures.delivery(.text("hello")), transport: transport)
                == .retryLater(reason: "LINE API answered HTTP 503: Service Unavailable", after: nil))
            guard case .sent = await line.send(LineFixtures.delivery(.text("hello"), attempt: 2), transport: transport) else {
                Issue.record("retry not sent")
                return
            }
            #expect(await api.state.delivered.count == 1)
        }
    }

    @Test func aSplitMessageFailingHalfwayResendsOnlyTheRest() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            let text = String(repeating: "x", count: 30_000)
            // The first request goes through; the second is refused by a 500.
            await api.state.script([.deliverThenDelay(seconds: 0), .fail(status: 500, message: "oops")])
            let first = await line.send(LineFixtures.delivery(.text(text)), transport: transport)
            #expect(first == .retryLater(reason: "LINE API answered HTTP 500: oops (part 2 of 2; earlier parts arrived)", after: nil))
            guard case .sent = await line.send(LineFixtures.delivery(.text(text), attempt: 2), transport: transport) else {
                Issue.record("retry not sent")
                return
            }
            #expect(await api.state.messageRequests.map(\.status) == [200, 500, 409, 200])
            #expect(await api.state.delivered.flatMap(\.messages).count == 6, "five objects once, then the sixth: nothing twice")
        }
    }

    @Test func aTimeoutIsRetriedWithTheSameKeyWithoutADoubleSend() async throws {
        try await withLineAPI { api, network in
            let line = try LineFixtures.connector(api)
            let transport = ImpatientTransport(base: network, timeout: 0.3)
            await api.state.script([.deliverThenDelay(seconds: 2)])
            let first = await line.send(LineFixtures.delivery(.text("slow")), transport: transport)
            guard case .retryLater(let reason, nil) = first else { Issue.record("not retryLater: \(first)"); return }
            #expect(reason.hasPrefix("LINE API unreachable"))
            guard case .sent = await line.send(LineFixtures.delivery(.text("slow"), attempt: 2), transport: transport) else {
                Issue.record("retry not sent")
                return
            }
            #expect(await api.state.delivered.count == 1)
        }
    }

    @Test func rateLimitsAndRefusalsMapToRetryOrFailureWithLINEsWords() async throws {
        try await withLineAPI { api, transport in
            let line = try LineFixtures.connector(api)
            await api.state.script([
                .fail(status: 429, message: "The API rate limit has been exceeded. Try again later.", retryAfter: 7),
                .fail(status: 429, message: "You have reached your monthly limit."),
                .fail(status: 400, message: "Failed to send messages"),
                .fail(status: 403, message: "Access to this API is not available for your account"),
            ])
            let outcomes = [
                await line.send(LineFixtures.delivery(.text("a")), transport: transport),
                await line.send(LineFixtures.delivery(.text("b")), transport: transport),
                await line.send(LineFixtures.delivery(.text("c")), transport: transport),
                await line.send(LineFixtures.delivery(.text("d")), transport: transport),
            ]
            #expect(outcomes == [
                .retryLater(reason: "LINE rate limit (HTTP 429): The API rate limit has been exceeded. Try again later.", after: 7),
                .retryLater(reason: "LINE rate limit (HTTP 429): You have reached your monthly limit.", after: nil),
                .failed(reason: "LINE refused the message (HTTP 400): Failed to send messages"),
                .failed(reason: "LINE refused the request: the channel may not use this API (HTTP 403): Access to this API is not available for your account"),
            ])
            // LINE's own validation, with the field it names.
            let empty = await line.send(LineFixtures.delivery(.text("")), transport: transport)
            #expect(empty == .failed(reason: "LINE refused the message (HTTP 400): The request body has 1 error(s) (messages[0].text: Length must be between 1 and 5000)"))
            #expect(await api.state.delivered.isEmpty)
        }
    }

    @Test func aWrongAccessTokenFailsWithoutRevealingIt() async throws {
        try await withLineAPI { api, transport in
            let channel = Channel(id: ChannelID("ch_line"), kind: .line, name: "LINE", settings: ["apiBaseURL": api.baseURL])
            let secretToken = "WRONG-token-that-must-stay-secret"
            let line = try LineConnector(channel: channel, credentials: ["channelSecret": "s", "channelAccessToken": secretToken])
            let outcome = await line.send(LineFixtures.delivery(.text("x")), transport: transport)
            #expect(outcome == .failed(reason:
                "LINE refused the channel access token (HTTP 401): Authentication failed. Confirm that the access token in the authorization header is valid."))
            #expect(!"\(outcome)".contains(secretToken))
            #expect(await api.state.requests.first?.authorization == "Bearer \(secretToken)")

            // Even a network error that echoes the whole request gives no token away.
            let unreachable = await line.send(LineFixtures.delivery(.text("x")), transport: EchoingFailureTransport())
            guard case .retryLater(let reason, _) = unreachable else { Issue.record("\(unreachable)"); return }
            #expect(reason.contains("[channel access token]"))
            #expect(!reason.contains(secretToken))
        }
    }
}

/// A network failure whose message repeats the request, headers included, as some clients' do.
private struct EchoingFailureTransport: HTTPTransport {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func execute(_ request: TransportRequest) async throws -> TransportResponse {
        throw Failure(description: "connection reset while sending \(request.method) \(request.url) \(request.headers.sorted { $0.key < $1.key })")
    }
}
