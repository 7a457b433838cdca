import AsyncHTTPClient
import Foundation
import ParleyCore
import ParleyHTTP
import ParleyTesting
import Testing
@testable import TelegramConnector

@Suite("Telegram sends against a fake Bot API")
struct TelegramSendTests {
    private func withAPI(
        requestTimeout: TimeInterval = 15, _ body: (FakeTelegramAPI, TelegramConnector, any HTTPTransport) async throws -> Void
    ) async throws {
        try await withPlatform(try await FakeTelegramAPI(botToken: TelegramFixtures.botToken)) { api, transport in
            let telegram = try TelegramFixtures.connector(settings: ["apiBaseURL": api.baseURL + "/"], requestTimeout: requestTimeout)
            try await body(api, telegram, transport)
        }
    }

    private func delivery(_ content: MessageContent, to recipient: String = "123456789", id: Int64 = 1) -> OutboundDelivery {
        OutboundDelivery(
            messageID: MessageID(id), conversationID: ConversationID(1), recipient: recipient, content: content, attempt: 1,
            lastCustomerMessageAt: TelegramFixtures.now
        )
    }

    private func expectNoToken(_ outcome: SendOutcome) {
        let reason: String
        switch outcome {
        case .sent: return
        case .retryLater(let text, _), .failed(let text): reason = text
        }
        #expect(!reason.contains(TelegramFixtures.botToken) && !reason.contains("AAFakeTokenForTests"), "the bot token leaked: \(reason)")
    }

    @Test func aReplyArrivesAsTheExactSendMessageJSON() async throws {
        try await withAPI { api, telegram, transport in
            let outcome = await telegram.send(delivery(.text("Ваш заказ отправлен \"today\" / 🚚")), transport: transport)
            #expect(outcome == .sent(platformMessageID: "123456789:1", via: .freeText))
            let requests = await api.state.requests
            #expect(requests.count == 1)
            #expect(requests[0].httpMethod == "POST")
            #expect(requests[0].path == "/bot\(TelegramFixtures.botToken)/sendMessage")
            #expect(requests[0].body == #"{"chat_id":123456789,"text":"Ваш заказ отправлен \"today\" / 🚚"}"#)

            // A channel username is not a number: it goes as a string.
            #expect(await telegram.send(delivery(.text("news"), to: "@acme_news"), transport: transport)
                == .sent(platformMessageID: "-1001234567890:1", via: .freeText))
            #expect(await api.state.requests[1].body == #"{"chat_id":"@acme_news","text":"news"}"#)
            // Message ids count per chat, so the platform id names the chat too.
            #expect(await telegram.send(delivery(.text("second"), id: 2), transport: transport) == .sent(platformMessageID: "123456789:2", via: .freeText))
            #expect(await telegram.send(delivery(.text("other chat"), to: "987654321", id: 3), transport: transport)
                == .sent(platformMessageID: "987654321:1", via: .freeText))
        }
    }

    @Test func nineThousandCharactersGoOutAsThreeMessagesInOrder() async throws {
        try await withAPI { api, telegram, transport in
            let text = String(repeating: "a", count: 4096) + String(repeating: "b", count: 4096) + String(repeating: "c", count: 808)
            #expect(text.count == 9000)
            #expect(await telegram.send(delivery(.text(text)), transport: transport) == .sent(platformMessageID: "123456789:3", via: .freeText))
            let sent = await api.state.accepted
            #expect(sent.map(\.apiMethod) == ["sendMessage", "sendMessage", "sendMessage"])
            #expect(sent.map(\.json) == [
                .object(["chat_id": .number(123456789), "text": .string(String(repeating: "a", count: 4096))]),
                .object(["chat_id": .number(123456789), "text": .string(String(repeating: "b", count: 4096))]),
                .object(["chat_id": .number(123456789), "text": .string(String(repeating: "c", count: 808))]),
            ])
        }
    }

    @Test func emojiHeavyTextIsSplitSoTelegramNeverSaysTooLong() async throws {
        try await withAPI { api, telegram, transport in
            let text = String(repeating: "👍", count: 3000) // 3,000 characters, 6,000 UTF-16 units
            #expect(await telegram.send(delivery(.text(text)), transport: transport) == .sent(platformMessageID: "123456789:2", via: .freeText))
            let pieces = await api.state.accepted.compactMap { recorded -> String? in
                guard case .object(let fields) = recorded.json, case .string(let text)? = fields["text"] else { return nil }
                return text
            }
            #expect(pieces.joined() == text && pieces.allSatisfy { $0.utf16.count <= 4096 })
        }
    }

    @Test func mediaGoesByFileIDWithTheMatchingMethod() async throws {
        try await withAPI { api, telegram, transport in
            let contents: [MessageContent] = [
                .image(MediaReference(location: "telegram-file:AgAC-photo", caption: "your receipt")),
                .audio(MediaReference(location: "telegram-file:CQAC-audio"), transcript: nil),
                .video(MediaReference(location: "telegram-file:BAAC-video")),
                .file(MediaReference(location: "telegram-file:BQAC-doc", fileName: "invoice.pdf")),
                .image(MediaReference(location: "https://cdn.example.com/a/b.png")),
                .location(latitude: 52.52, longitude: 13.405, name: nil, address: nil),
                .location(latitude: 48.8584, longitude: 2.2945, name: "Our shop", address: "1 Rue X, Paris"),
                .sticker(id: "CAAC-sticker", url: nil),
            ]
            for (index, content) in contents.enumerated() {
                let outcome = await telegram.send(delivery(content, id: Int64(index + 1)), transport: transport)
                #expect(outcome == .sent(platformMessageID: "123456789:\(index + 1)", via: .freeText))
            }
            let sent = await api.state.accepted
            #expect(sent.map(\.apiMethod) == [
                "sendPhoto", "sendAudio", "sendVideo", "sendDocument", "sendPhoto", "sendLocation", "sendVenue", "sendSticker",
            ])
            #expect(sent.map(\.body) == [
                #"{"caption":"your receipt","chat_id":123456789,"photo":"AgAC-photo"}"#,
                #"{"audio":"CQAC-audio","chat_id":123456789}"#,
                #"{"chat_id":123456789,"video":"BAAC-video"}"#,
                #"{"chat_id":123456789,"document":"BQAC-doc"}"#,
                #"{"chat_id":123456789,"photo":"https://cdn.example.com/a/b.png"}"#,
                #"{"chat_id":123456789,"latitude":52.52,"longitude":13.405}"#,
                #"{"address":"1 Rue X, Paris","chat_id":123456789,"latitude":48.8584,"longitude":2.2945,"title":"Our shop"}"#,
                #"{"chat_id":123456789,"sticker":"CAAC-sticker"}"#,
            ])
        }
    }

    @Test func aCaptionTooLongForMediaFollowsAsText() async throws {
        try await withAPI { api, telegram, transport in
            let caption = String(repeating: "x", count: 1500)
            let outcome = await telegram.send(delivery(.image(MediaReference(location: "telegram-file:P", caption: caption))), transport: transport)
            #expect(outcome == .sent(platformMessageID: "123456789:2", via: .freeText))
            #expect(await api.state.accepted.map(\.body) == [
                #"{"chat_id":123456789,"photo":"P"}"#, #"{"chat_id":123456789,"text":"\#(caption)"}"#,
            ])
        }
    }

    @Test func contentTelegramCannotCarryFailsWithoutACall() async throws {
        try await withAPI { api, telegram, transport in
            let outcomes = [
                await telegram.send(delivery(.contactCard(name: "Max", phones: ["+49"])), transport: transport),
                await telegram.send(delivery(.template(name: "t", language: nil, parameters: [])), transport: transport),
                await telegram.send(delivery(.image(MediaReference(location: "/api/v1/media/17"))), transport: transport),
            ]
            #expect(outcomes[0] == .failed(
                reason: "Telegram replies can carry text, images, audio, video, files, locations or stickers; not contactCard"
            ))
            #expect(outcomes[1] == .failed(
                reason: "Telegram replies can carry text, images, audio, video, files, locations or stickers; not template"
            ))
            #expect(outcomes[2] == .failed(
                reason: "a Telegram photo reply needs a file Telegram already has (telegram-file:) or a public http(s) URL; uploading files is not supported yet"
            ))
            #expect(await api.state.requests.isEmpty)
        }
    }

    @Test func everyTelegramErrorMapsToRetryOrAReadableFailure() async throws {
        try await withAPI { api, telegram, transport in
            await api.state.answerNext([
                .tooManyRequests(retryAfter: 17), .serverError, .forbidden(), .forbidden("Forbidden: user is deactivated"),
                .forbidden("Forbidden: bot was kicked from the group chat"), .migrated(to: -1001122334455),
                .badRequest("Bad Request: chat not found"),
            ])
            var outcomes: [SendOutcome] = []
            for index in 0..<7 { outcomes.append(await telegram.send(delivery(.text("m\(index)"), id: Int64(index)), transport: transport)) }
            #expect(outcomes == [
                .retryLater(reason: "Telegram's flood limit (Telegram: Too Many Requests: retry after 17)", after: 17),
                .retryLater(reason: "Telegram is unavailable (Telegram: Internal Server Error)", after: nil),
                .failed(reason: "the customer blocked the bot (Telegram: Forbidden: bot was blocked by the user)"),
                .failed(reason: "the customer deleted their Telegram account (Telegram: Forbidden: user is deactivated)"),
                .failed(reason: "the bot was removed from the chat (Telegram: Forbidden: bot was kicked from the group chat)"),
                .failed(reason:
                    "the group became a supergroup with chat id -1001122334455; replies must go to that chat (Telegram: Bad Request: group chat was upgraded to a supergroup chat)"
                ),
                .failed(reason: "Telegram refused the request (Telegram: Bad Request: chat not found)"),
            ])
            outcomes.forEach(expectNoToken)
            #expect(await api.state.accepted.isEmpty)
        }
    }

    @Test func aWrongTokenFailsWithoutShowingIt() async throws {
        try await withAPI { api, _, transport in
            let wrongToken = "987654321:AAWrongTokenWrongTokenWrongToken"
            let telegram = try TelegramFixtures.connector(
                settings: ["apiBaseURL": api.baseURL], credentials: ["botToken": wrongToken, "secretToken": "x"]
            )
            let outcome = await telegram.send(delivery(.text("hi")), transport: transport)
            #expect(outcome == .failed(reason: "Telegram rejected the bot token; check the channel's botToken (Telegram: Unauthorized)"))
        }
    }

    @Test func aSlowOrUnreachableAPIIsRetriedLater() async throws {
        try await withAPI(requestTimeout: 0.3) { api, telegram, transport in
            await api.state.answerNext([.delay(seconds: 2)])
            let slow = await telegram.send(delivery(.text("slow")), transport: transport)
            guard case .retryLater(let reason, nil) = slow else {
                Issue.record("a timeout must be retried, got \(slow)")
                return
            }
            #expect(reason.hasPrefix("Telegram API unreachable: "))
            expectNoToken(slow)
        }
        // Nothing listens on the port any more.
        let api = try await FakeTelegramAPI(botToken: TelegramFixtures.botToken)
        let deadURL = api.baseURL
        await api.stop()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let telegram = try TelegramFixtures.connector(settings: ["apiBaseURL": deadURL], requestTimeout: 2)
        let refused = await telegram.send(delivery(.text("nobody home")), transport: AsyncHTTPTransport(client: client))
        try await client.shutdown()
        guard case .retryLater = refused else {
            Issue.record("a refused connection must be retried, got \(refused)")
            return
        }
        expectNoToken(refused)
    }

    @Test func aRetriedLongReplyResumesAfterThePiecesAlreadyDelivered() async throws {
        try await withAPI { api, telegram, transport in
            let text = String(repeating: "a", count: 4096) + String(repeating: "b", count: 4096) + "c"
            await api.state.answerNext([.delay(seconds: 0), .tooManyRequests(retryAfter: 3)])
            let first = await telegram.send(delivery(.text(text)), transport: transport)
            #expect(first == .retryLater(reason: "Telegram's flood limit (Telegram: Too Many Requests: retry after 3) (piece 2 of 3)", after: 3))
            let retried = await telegram.send(delivery(.text(text)), transport: transport)
            #expect(retried == .sent(platformMessageID: "123456789:3", via: .freeText))
            let texts = await api.state.accepted.compactMap { recorded -> Character? in
                guard case .object(let fields) = recorded.json, case .string(let text)? = fields["text"] else { return nil }
                return text.first
            }
            #expect(texts == ["a", "b", "c"], "the customer gets each piece once, in order")
        }
    }

    @Test func aPermanentFailureMidwaySaysHowMuchArrived() async throws {
        try await withAPI { api, telegram, transport in
            let text = String(repeating: "a", count: 4096) + "b"
            await api.state.answerNext([.delay(seconds: 0), .forbidden()])
            let outcome = await telegram.send(delivery(.text(text)), transport: transport)
            #expect(outcome == .failed(
                reason: "the customer blocked the bot (Telegram: Forbidden: bot was blocked by the user) (piece 2 of 2); 1 of 2 pieces had been delivered"
            ))
        }
    }
}
