import Foundation
import ParleyCore
import ParleyTesting
import Testing
@testable import MessengerConnector

@Suite("Messenger sends against a fake Graph API")
struct MessengerSendTests {
    private let hour: TimeInterval = 3600

    @Test func aReplyInsideTheWindowIsAResponse() async throws {
        try await withPageAPI { api, transport in
            let messenger = try MessengerFixtures.connector(api)
            let outcome = await messenger.send(MessengerFixtures.delivery(.text("Your order ships today / 今日発送")), transport: transport)
            let sent = await api.state.sent
            #expect(outcome == .sent(platformMessageID: sent.first?.id, via: .freeText))
            let request = try #require(await api.state.requests.first)
            #expect(request.method == "POST" && request.path == "/v25.0/me/messages")
            #expect(request.authorization == "Bearer \(MessengerFixtures.pageAccessToken)")
            #expect(request.query.isEmpty, "the Page token never travels in the URL")
            #expect(request.body == #"{"message":{"text":"Your order ships today / 今日発送"},"messaging_type":"RESPONSE","recipient":{"id":"6944526412303456"}}"#)
        }
    }

    @Test func afterTheWindowTheHumanAgentTagIsUsedWhenEnabled() async throws {
        try await withPageAPI { api, transport in
            let messenger = try MessengerFixtures.connector(api, settings: ["humanAgentTag": "true"])
            let twoDaysAgo = MessengerFixtures.now.addingTimeInterval(-48 * hour)
            #expect(await messenger.send(MessengerFixtures.delivery(.text("Following up"), lastCustomerMessageAt: twoDaysAgo), transport: transport)
                == .sent(platformMessageID: await api.state.sent.first?.id, via: .messageTag))
            #expect(await api.state.requests.map(\.body) == [
                #"{"message":{"text":"Following up"},"messaging_type":"MESSAGE_TAG","recipient":{"id":"6944526412303456"},"tag":"HUMAN_AGENT"}"#,
            ])
            let eightDaysAgo = MessengerFixtures.now.addingTimeInterval(-8 * 24 * hour)
            #expect(await messenger.send(MessengerFixtures.delivery(.text("late"), lastCustomerMessageAt: eightDaysAgo), transport: transport)
                == .failed(reason: "the customer hasn't written for 7d — past the HUMAN_AGENT tag's window Messenger allows no reply until the customer writes again"))
            #expect(await api.state.requests.count == 1)
        }
    }

    @Test func theTagWindowIsConfigurable() async throws {
        try await withPageAPI { api, transport in
            let messenger = try MessengerFixtures.connector(api, settings: ["humanAgentTag": "true", "humanAgentWindow": "3d"])
            let fourDaysAgo = MessengerFixtures.now.addingTimeInterval(-4 * 24 * hour)
            guard case .failed = await messenger.send(MessengerFixtures.delivery(.text("x"), lastCustomerMessageAt: fourDaysAgo), transport: transport) else {
                Issue.record("a reply past the configured tag window must fail")
                return
            }
            #expect(await api.state.requests.isEmpty)
        }
    }

    @Test func afterTheWindowWithoutTheTagTheAgentIsToldWhy() async throws {
        try await withPageAPI { api, transport in
            let messenger = try MessengerFixtures.connector(api)
            let yesterday = MessengerFixtures.now.addingTimeInterval(-25 * hour)
            #expect(await messenger.send(MessengerFixtures.delivery(.text("hello?"), lastCustomerMessageAt: yesterday), transport: transport)
                == .failed(reason: "the customer hasn't written for 24 h — Messenger only allows a HUMAN_AGENT-tagged reply now; set humanAgentTag=true on the channel"))
            #expect(await messenger.send(MessengerFixtures.delivery(.text("hello?"), lastCustomerMessageAt: nil), transport: transport)
                == .failed(reason: MessengerConnector.neverWroteReason))
            #expect(await api.state.requests.isEmpty)
        }
    }

    @Test func metasOutsideTheWindowAnswerSwitchesToTheTag() async throws {
        try await withPageAPI { api, transport in
            let outside = FakeMetaGraphAPI.Script.graphError(status: 400, code: 10, subcode: 2018278, message: "(#10) This message is sent outside of allowed window.")
            let tagged = try MessengerFixtures.connector(api, settings: ["humanAgentTag": "true"])
            await api.state.script([outside])
            #expect(await tagged.send(MessengerFixtures.delivery(.text("hi")), transport: transport) == .sent(platformMessageID: await api.state.sent.first?.id, via: .messageTag))
            #expect(await api.state.requests.map { $0.json.field("messaging_type") } == [.string("RESPONSE"), .string("MESSAGE_TAG")])

            let untagged = try MessengerFixtures.connector(api)
            await api.state.script([outside])
            #expect(await untagged.send(MessengerFixtures.delivery(.text("hi")), transport: transport) == .failed(reason: MessengerConnector.windowClosedReason))
        }
    }

    @Test func longRepliesAreSplitAtTwoThousandCharacters() async throws {
        try await withPageAPI { api, transport in
            let messenger = try MessengerFixtures.connector(api)
            let text = String(repeating: "x", count: 2000) + String(repeating: "y", count: 1500)
            let outcome = await messenger.send(MessengerFixtures.delivery(.text(text)), transport: transport)
            let sent = await api.state.sent
            #expect(MessengerFixtures.texts(sent) == [String(repeating: "x", count: 2000), String(repeating: "y", count: 1500)])
            #expect(outcome == .sent(platformMessageID: sent.last?.id, via: .freeText))
        }
    }

    @Test func errorsMapToRetryOrAReadableFailure() async throws {
        try await withPageAPI { api, transport in
            let messenger = try MessengerFixtures.connector(api)
            let reply = MessengerFixtures.delivery(.text("hi"))
            await api.state.script([
                .graphError(status: 400, code: 613, message: "(#613) Calls to this api have exceeded the rate limit.", retryAfter: 60),
                .graphError(status: 429, code: 32, message: "Page request limit reached"),
                .serverError,
                .graphError(status: 400, code: 551, message: "This person isn't available right now."),
                .graphError(status: 400, code: 190, message: "Error validating access token: Session has expired"),
            ])
            #expect(await messenger.send(reply, transport: transport) == .retryLater(
                reason: "Messenger rate limit (HTTP 400): (#613) Calls to this api have exceeded the rate limit. (code 613)", after: 60
            ))
            #expect(await messenger.send(reply, transport: transport)
                == .retryLater(reason: "Messenger rate limit (HTTP 429): Page request limit reached (code 32)", after: nil))
            guard case .retryLater = await messenger.send(reply, transport: transport) else {
                Issue.record("a 500 must be retried")
                return
            }
            #expect(await messenger.send(reply, transport: transport)
                == .failed(reason: "this person isn't available on Messenger right now (code 551)"))
            #expect(await messenger.send(reply, transport: transport) == .failed(
                reason: "Messenger refused the access token; check the channel's credentials (HTTP 400: Error validating access token: Session has expired (code 190))"
            ))
            #expect(await api.state.sent.isEmpty)
        }
    }

    @Test func mediaRepliesNeedAPublicURL() async throws {
        try await withPageAPI { api, transport in
            let messenger = try MessengerFixtures.connector(api)
            _ = await messenger.send(MessengerFixtures.delivery(.image(MediaReference(location: "https://cdn.example.com/label.png"))), transport: transport)
            #expect(await api.state.requests.map(\.body) == [
                #"{"message":{"attachment":{"payload":{"is_reusable":true,"url":"https://cdn.example.com/label.png"},"type":"image"}},"messaging_type":"RESPONSE","recipient":{"id":"6944526412303456"}}"#,
            ])
            #expect(await messenger.send(MessengerFixtures.delivery(.image(MediaReference(location: "/api/v1/media/4"))), transport: transport)
                == .failed(reason: "a Messenger image reply needs a public https URL"))
            #expect(await messenger.send(MessengerFixtures.delivery(.location(latitude: 1, longitude: 2, name: nil, address: nil)), transport: transport)
                == .failed(reason: "Messenger replies from Parley carry text or media; not location"))
        }
    }
}

extension SendableJSON {
    func field(_ name: String) -> SendableJSON? {
        guard case .object(let fields) = self else { return nil }
        return fields[name]
    }
}
