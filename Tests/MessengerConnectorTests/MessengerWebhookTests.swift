import Foundation
import MetaSigning
import ParleyCore
import Testing
@testable import MessengerConnector

@Suite("Messenger webhooks")
struct MessengerWebhookTests {
    private func status(_ request: WebhookRequest, _ connector: MessengerConnector) -> Int {
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

    @Test func theReferenceSampleBecomesAMessage() throws {
        let connector = try MessengerFixtures.connector()
        let body = MessengerFixtures.webhook([MessengerFixtures.entry([
            #"{"sender":{"id":"6944526412303456"},"recipient":{"id":"682498302938465"},"timestamp":1458692752478,"message":{"mid":"mid.1457764197618:41d102a3e1ae206a38","text":"hello, world!"}}"#,
        ])])
        let request = MessengerFixtures.request(body)
        try connector.authenticate(request)
        #expect(try connector.decode(request) == [.message(InboundMessage(
            externalUserID: MessengerFixtures.psid, platformMessageID: "mid.1457764197618:41d102a3e1ae206a38", content: .text("hello, world!"),
            sentAt: Date(timeIntervalSince1970: 1_458_692_752.478)
        ))])
        #expect(connector.acknowledge(request, receipts: []) == .text("EVENT_RECEIVED"))
    }

    @Test func forgeriesAre401BeforeTheBodyIsRead() throws {
        let connector = try MessengerFixtures.connector()
        #expect(status(MessengerFixtures.request("<html>", signature: "sha256=" + String(repeating: "f", count: 64)), connector) == 401)
        #expect(status(MessengerFixtures.request("<html>", signature: ""), connector) == 401)
        let body = MessengerFixtures.webhook([])
        let sha1Only = WebhookRequest(
            method: .post, path: "/hooks/x", headers: [("Content-Type", "application/json"), ("X-Hub-Signature", "sha1=0123456789abcdef0123456789abcdef01234567")],
            body: Array(body.utf8), publicBaseURL: "https://parley.example"
        )
        #expect(status(sha1Only, connector) == 401, "the legacy SHA-1 header alone is not enough")
        #expect(status(MessengerFixtures.request("<html>"), connector) == 400)
        #expect(status(MessengerFixtures.request(body, contentType: "text/plain"), connector) == 400)
        #expect(status(MessengerFixtures.request(body), connector) == 200)
    }

    @Test func verificationEchoesTheChallenge() throws {
        let connector = try MessengerFixtures.connector()
        let request = WebhookRequest(
            method: .get, path: "/hooks/ch_messenger",
            query: [("hub.mode", "subscribe"), ("hub.verify_token", MessengerFixtures.verifyToken), ("hub.challenge", "CHALLENGE_ACCEPTED")],
            publicBaseURL: "https://parley.example"
        )
        #expect(try connector.verify(request).body == Array("CHALLENGE_ACCEPTED".utf8))
        var wrong = request
        wrong.query[1].value = "not-it"
        #expect(throws: ConnectorError.forbidden("hub.verify_token does not match the channel's verifyToken")) { try connector.verify(wrong) }
    }

    @Test func aBatchOfEntriesYieldsEveryMessageOnceAndSkipsEchoesAndOtherPages() throws {
        let connector = try MessengerFixtures.connector()
        let body = MessengerFixtures.webhook([
            MessengerFixtures.entry([
                MessengerFixtures.text("first", mid: "m_1"),
                MessengerFixtures.text("second", mid: "m_2"),
                MessengerFixtures.text("first", mid: "m_1"),
                MessengerFixtures.event("message", #"{"mid":"m_echo","text":"our own reply","is_echo":true,"app_id":1517776481860111}"#, from: MessengerFixtures.pageID),
            ]),
            MessengerFixtures.entry([MessengerFixtures.text("hi from Bo", mid: "m_3", from: "7000000000000001")]),
            MessengerFixtures.entry([MessengerFixtures.text("for another page", mid: "m_other")], page: "111111111111111"),
        ])
        let stored = messages(try connector.decode(MessengerFixtures.request(body)))
        #expect(stored.map(\.platformMessageID) == ["m_1", "m_2", "m_3"])
        #expect(stored.map(\.externalUserID) == [MessengerFixtures.psid, MessengerFixtures.psid, "7000000000000001"])
    }

    @Test func attachmentsPostbacksQuickRepliesAndReactions() throws {
        let connector = try MessengerFixtures.connector()
        let body = MessengerFixtures.webhook([MessengerFixtures.entry([
            MessengerFixtures.event("message", #"{"mid":"m_a","attachments":[{"type":"image","payload":{"url":"https://scontent.xx.fbcdn.net/v/t1/p.jpg?oh=1"}},{"type":"video","payload":{"url":"https://video.xx.fbcdn.net/v/v.mp4"}}]}"#),
            MessengerFixtures.event("message", #"{"mid":"m_b","text":"see this","attachments":[{"type":"file","payload":{"url":"https://cdn.fbsbx.com/v/t59/invoice.pdf"}}]}"#),
            MessengerFixtures.event("message", #"{"mid":"m_c","attachments":[{"type":"image","payload":{"url":"https://scontent.xx.fbcdn.net/v/sticker.png","sticker_id":369239263222822}}]}"#),
            MessengerFixtures.event("message", #"{"mid":"m_d","attachments":[{"type":"audio","payload":{"url":"https://cdn.fbsbx.com/v/a.mp4"}},{"type":"location","payload":{"coordinates":{"lat":52.52,"long":13.405},"title":"Berlin"}},{"type":"ig_reel","payload":{"reel_video_id":"1"}}]}"#),
            // The older location shape names the place on the attachment itself.
            MessengerFixtures.event("message", #"{"mid":"m_g","attachments":[{"title":"Pinned Location","url":"https://l.facebook.com/l.php?u=x","type":"location","payload":{"coordinates":{"lat":37.4848,"long":-122.1484}}}]}"#),
            MessengerFixtures.event("message", #"{"mid":"m_e","text":"Red","quick_reply":{"payload":"COLOR_RED"}}"#),
            MessengerFixtures.event("postback", #"{"mid":"m_f","title":"Talk to a human","payload":"HUMAN"}"#),
            MessengerFixtures.event("postback", #"{"title":"Get Started","payload":"GET_STARTED"}"#, timestamp: 1_518_479_195_999),
            MessengerFixtures.event("reaction", #"{"mid":"m_out1","action":"react","reaction":"love","emoji":"❤️"}"#),
            MessengerFixtures.event("reaction", #"{"mid":"m_out1","action":"unreact"}"#, timestamp: 1_518_479_196_000),
            MessengerFixtures.event("referral", #"{"ref":"summer-ad","source":"ADS","type":"OPEN_THREAD"}"#),
            MessengerFixtures.event("game_play", #"{"game_id":"1","player_id":"2"}"#),
        ])])
        let decoded = messages(try connector.decode(MessengerFixtures.request(body))).map { "\($0.platformMessageID) \($0.content)" }
        let expected: [(String, MessageContent)] = [
            ("m_a", .image(MediaReference(location: "https://scontent.xx.fbcdn.net/v/t1/p.jpg?oh=1"))),
            ("m_a#2", .video(MediaReference(location: "https://video.xx.fbcdn.net/v/v.mp4"))),
            ("m_b", .text("see this")),
            ("m_b#2", .file(MediaReference(location: "https://cdn.fbsbx.com/v/t59/invoice.pdf"))),
            ("m_c", .sticker(id: "369239263222822", url: "https://scontent.xx.fbcdn.net/v/sticker.png")),
            ("m_d", .audio(MediaReference(location: "https://cdn.fbsbx.com/v/a.mp4"), transcript: nil)),
            ("m_d#2", .location(latitude: 52.52, longitude: 13.405, name: "Berlin", address: nil)),
            ("m_d#3", .unsupported(rawType: "ig_reel")),
            ("m_g", .location(latitude: 37.4848, longitude: -122.1484, name: "Pinned Location", address: nil)),
            ("m_e", .event(name: "quick_reply", payload: "COLOR_RED")),
            ("m_f", .event(name: "postback", payload: "HUMAN")),
            ("postback:\(MessengerFixtures.psid):1518479195999", .event(name: "postback", payload: "GET_STARTED")),
            ("reaction:m_out1:\(MessengerFixtures.psid):1518479195308", .event(name: "reaction", payload: "❤️")),
            ("reaction:m_out1:\(MessengerFixtures.psid):1518479196000", .event(name: "reaction_removed", payload: nil)),
            ("referral:\(MessengerFixtures.psid):1518479195308", .event(name: "referral", payload: "summer-ad")),
            ("game_play:\(MessengerFixtures.psid):1518479195308", .unsupported(rawType: "game_play")),
        ]
        #expect(decoded == expected.map { "\($0.0) \($0.1)" })
    }

    @Test func deliveriesAndReadsBecomeReceiptsAndWatermarks() throws {
        let connector = try MessengerFixtures.connector()
        let body = MessengerFixtures.webhook([MessengerFixtures.entry([
            MessengerFixtures.event("delivery", #"{"mids":["m_out1","m_out2"],"watermark":1458668856253}"#),
            MessengerFixtures.event("read", #"{"watermark":1458668856999}"#),
            MessengerFixtures.event("read", #"{"watermark":1458668857000,"mid":"m_out2"}"#, timestamp: 1_458_668_857_100),
            MessengerFixtures.event("delivery", #"{"watermark":1458668856253}"#),
        ])])
        let delivered = Date(timeIntervalSince1970: 1_458_668_856.253)
        let psid = MessengerFixtures.psid
        // The repeated delivery watermark (last event) adds nothing.
        #expect(try connector.decode(MessengerFixtures.request(body)) == [
            .deliveryReceipt(platformMessageID: "m_out1", status: .delivered, at: delivered),
            .deliveryReceipt(platformMessageID: "m_out2", status: .delivered, at: delivered),
            .deliveryWatermark(externalUserID: psid, status: .delivered, upTo: delivered),
            .deliveryWatermark(externalUserID: psid, status: .read, upTo: Date(timeIntervalSince1970: 1_458_668_856.999)),
            .deliveryReceipt(platformMessageID: "m_out2", status: .read, at: Date(timeIntervalSince1970: 1_458_668_857.1)),
            .deliveryWatermark(externalUserID: psid, status: .read, upTo: Date(timeIntervalSince1970: 1_458_668_857)),
        ])
    }

    @Test func aWebhookForAnotherProductIsRefused() throws {
        let connector = try MessengerFixtures.connector()
        #expect(status(MessengerFixtures.request(#"{"object":"whatsapp_business_account","entry":[]}"#), connector) == 400)
        #expect(status(MessengerFixtures.request(#"{"object":"page","entry":"nope"}"#), connector) == 400)
    }

    @Test func settingsAreCheckedWhenTheChannelIsAdded() throws {
        func build(_ settings: [String: String]) -> String? {
            do {
                _ = try MessengerFixtures.connector(settings: settings)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(build(["humanAgentTag": "true", "humanAgentWindow": "168h"]) == nil)
        #expect(build(["humanAgentTag": "maybe"]) == "Messenger setting humanAgentTag='maybe' is not true or false")
        #expect(build(["humanAgentWindow": "a week"]) == "Messenger setting humanAgentWindow='a week' is not a duration such as 7d or 168h")
        #expect(build(["mediaDomains": "http://x/"]) == "Messenger setting mediaDomains='http://x/' is not a comma-separated list of domains")
    }
}
