import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTesting
import Testing

/// The FAQ bot as a customer and an admin meet it: the admin loads a knowledge base and gives a
/// team a bot; a web visitor is answered in English and Chinese, told when nothing fits, and handed
/// to a person on a keyword, on misses in a row, or on becoming a VIP — and the person gets them.
@Suite("FAQ bot")
struct BotRouteTests {
    static let knowledgeBase = """
        {"entries":[
          {"id":"refund","questions":["How do I get a refund?","Can I get my money back?","退款怎么办","怎么申请退款"],
           "answer":"Open the order and tap Refund. 在订单页点击「退款」即可。"},
          {"id":"hours","questions":["When are you open?","营业时间"],"answer":"Every day 9:00-18:00."},
          {"id":"sales-only","questions":["Do you ship to Mars?"],"answer":"Not yet.","team":999}
        ]}
        """

    /// An admin, a team with a bot over the web-chat channel, Ana online in it; returns the tokens.
    private static func setUp(
        _ client: some TestClientProtocol, _ app: TestApp, _ ana: Agent, bot: String = "{}"
    ) async throws -> (admin: String, ana: String, team: Int) {
        let admin = try await client.login("admin@example.com")
        let anaToken = try await client.login("ana@example.com")
        let saved = try await client.json("/api/v1/knowledge-base", method: .put, token: admin, body: knowledgeBase)
        #expect(saved.status == 200 && (saved.object as? [String: Any])?["entries"] as? Int == 3, "\(saved.text)")
        let created = try await client.json("/api/v1/teams", method: .post, token: admin, body: #"{"name":"Support","bot":\#(bot)}"#)
        #expect(created.status == 201, "\(created.text)")
        let team = try #require((created.object as? [String: Any])?["id"] as? Int)
        #expect(try await client.json("/api/v1/teams/\(team)/members/\(ana.id.rawValue)", method: .put, token: admin).status == 204)
        #expect(try await client.json("/api/v1/channels/\(app.webChat.id)/team", method: .put, token: admin, body: #"{"teamId":\#(team)}"#).status == 204)
        #expect(try await client.json("/api/v1/agents/me/presence", method: .put, token: anaToken, body: #"{"presence":"online"}"#).status == 204)
        return (admin, anaToken, team)
    }

    private static func say(_ client: some TestClientProtocol, _ visitor: String, _ channel: Channel, _ id: String, _ text: String) async throws {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.authorization] = "Bearer \(visitor)"
        let body = #"{"clientId":"\#(id)","text":\#(JSONText.quoted(text))}"#
        let status = try await client.execute(uri: "/hooks/\(channel.id)", method: .post, headers: headers, body: ByteBuffer(string: body)) {
            Int($0.status.code)
        }
        #expect(status == 200)
    }

    /// The conversation's messages as (direction, sender, text), once `until` holds (5 s at most).
    private static func transcript(
        _ client: some TestClientProtocol, _ token: String, until done: ([(String, String, String)]) -> Bool
    ) async throws -> (conversation: [String: Any], messages: [(String, String, String)]) {
        var last: ([String: Any], [(String, String, String)]) = ([:], [])
        for _ in 0..<250 {
            let list = try await client.json("/api/v1/conversations", token: token)
            if let conversation = ((list.object as? [String: Any])?["conversations"] as? [[String: Any]])?.first,
               let id = conversation["id"] as? Int {
                let page = try await client.json("/api/v1/conversations/\(id)/messages", token: token)
                let messages = ((page.object as? [String: Any])?["messages"] as? [[String: Any]] ?? []).map { message in
                    (
                        message["direction"] as? String ?? "", (message["sender"] as? [String: Any])?["type"] as? String ?? "",
                        (message["content"] as? [String: Any])?["text"] as? String ?? ""
                    )
                }
                let fresh = try await client.json("/api/v1/conversations/\(id)", token: token).object as? [String: Any] ?? conversation
                last = (fresh, messages)
                if done(messages) { return last }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the conversation did not reach the expected state: \(last.1)")
        return last
    }

    @Test(.timeLimit(.minutes(1))) func theBotAnswersInBothLanguagesAndHandsOverAfterTwoMisses() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let ana = try await app.harness.addAgent("ana@example.com")
        try await app.application().test(.live) { client in
            let (admin, _, _) = try await Self.setUp(client, app, ana)
            let visitor = try await client.visitorToken(app.webChat)

            try await Self.say(client, visitor, app.webChat, "m1", "hi, how can I get a refund?")
            var seen = try await Self.transcript(client, admin) { $0.count == 2 }
            #expect(seen.conversation["status"] as? String == "bot")
            #expect(seen.messages.last! == ("outbound", "bot", "Open the order and tap Refund. 在订单页点击「退款」即可。"))

            try await Self.say(client, visitor, app.webChat, "m2", "请问营业时间是几点？")
            seen = try await Self.transcript(client, admin) { $0.count == 4 }
            #expect(seen.messages.last! == ("outbound", "bot", "Every day 9:00-18:00."))

            // Another team's entry is not this team's answer; two misses in a row hand over.
            try await Self.say(client, visitor, app.webChat, "m3", "Do you ship to Mars?")
            seen = try await Self.transcript(client, admin) { $0.count == 6 }
            #expect(seen.messages.last!.2.hasPrefix("Sorry, I don't have an answer for that."))
            #expect(seen.conversation["status"] as? String == "bot")
            try await Self.say(client, visitor, app.webChat, "m4", "my parcel is wet")
            seen = try await Self.transcript(client, admin) { messages in messages.contains { $0.0 == "note" } }
            #expect(Array(seen.messages.suffix(3)).map { [$0.0, $0.1, $0.2] } == [
                ["inbound", "contact", "my parcel is wet"],
                ["outbound", "bot", "Connecting you to a person now."],
                ["note", "bot", "Handed over by the bot: it had no answer 2 times in a row."],
            ])
            // Ana, online in the team, gets the customer.
            for _ in 0..<100 where seen.conversation["status"] as? String != "assigned" {
                try await Task.sleep(for: .milliseconds(20))
                seen = try await Self.transcript(client, admin) { _ in true }
            }
            #expect(seen.conversation["status"] as? String == "assigned")
        }
    }

    @Test(.timeLimit(.minutes(1))) func aKeywordOrAVIPTagHandsOverAtOnce() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let anaAgent = try await app.harness.addAgent("ana@example.com")
        try await app.application().test(.live) { client in
            let (admin, _, team) = try await Self.setUp(client, app, anaAgent, bot: #"{"handOverPhrases":["转人工","operator"],"handOverText":"马上为您转接人工客服"}"#)
            let first = try await client.visitorToken(app.webChat)
            try await Self.say(client, first, app.webChat, "k1", "我要转人工")
            let handed = try await Self.transcript(client, admin) { messages in messages.contains { $0.0 == "note" } }
            #expect(handed.messages.map { [$0.0, $0.1, $0.2] } == [
                ["inbound", "contact", "我要转人工"],
                ["outbound", "bot", "马上为您转接人工客服"],
                ["note", "bot", "Handed over by the bot: the customer asked for a person (\"转人工\")."],
            ])

            // A second visitor talks to the bot; a supervisor tags them VIP and they go to a person.
            #expect(try await client.json("/api/v1/teams/\(team)", method: .put, token: admin, body: #"{"name":"Support","bot":{}}"#).status == 200)
            let ana = try await client.login("ana@example.com")
            #expect(try await client.json("/api/v1/agents/me/presence", method: .put, token: ana, body: #"{"presence":"offline"}"#).status == 204)
            let second = try await client.visitorToken(app.webChat)
            try await Self.say(client, second, app.webChat, "v1", "When are you open?")
            var conversation: [String: Any] = [:]
            for _ in 0..<250 {
                let list = try await client.json("/api/v1/conversations?status=bot", token: admin)
                if let found = ((list.object as? [String: Any])?["conversations"] as? [[String: Any]])?.first { conversation = found; break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let id = try #require(conversation["id"] as? Int)
            let contact = try #require(conversation["contactId"] as? Int)
            #expect(try await client.json("/api/v1/contacts/\(contact)/vip", method: .put, token: ana).status == 403)
            #expect(try await client.json("/api/v1/contacts/\(contact)/vip", method: .put, token: admin).status == 204)
            var status = ""
            var notes: [String] = []
            for _ in 0..<250 where status != "queued" || notes.isEmpty {
                status = (try await client.json("/api/v1/conversations/\(id)", token: admin).object as? [String: Any])?["status"] as? String ?? ""
                let page = try await client.json("/api/v1/conversations/\(id)/messages", token: admin)
                notes = ((page.object as? [String: Any])?["messages"] as? [[String: Any]] ?? [])
                    .filter { $0["direction"] as? String == "note" }.compactMap { ($0["content"] as? [String: Any])?["text"] as? String }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(status == "queued")
            #expect(notes == ["Handed over by the bot: the contact is a VIP."])
            #expect(try await client.json("/api/v1/contacts/99999/vip", method: .put, token: admin).status == 404)
        }
    }

    @Test(.timeLimit(.minutes(1))) func agentsSeeSuggestedAnswersAndTheKnowledgeBaseIsChecked() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("ana@example.com")
        try await app.application().test(.live) { client in
            let admin = try await client.login("admin@example.com")
            let ana = try await client.login("ana@example.com")
            let refused = try await client.json("/api/v1/knowledge-base", method: .put, token: admin,
                                                body: #"{"entries":[{"id":"a","questions":["?!"],"answer":"x"}]}"#)
            #expect(refused.status == 400)
            #expect((refused.object as? [String: Any])?["error"] as? String
                == #"entries[0].questions[0]: "?!" has no letters, digits or CJK characters to match"#)
            #expect(try await client.json("/api/v1/knowledge-base", method: .put, token: ana, body: Self.knowledgeBase).status == 403)
            #expect(try await client.json("/api/v1/knowledge-base", method: .put, token: admin, body: Self.knowledgeBase).status == 200)
            let stored = try await client.json("/api/v1/knowledge-base", token: ana)
            #expect(((stored.object as? [String: Any])?["entries"] as? [Any])?.count == 3)
            let badBot = try await client.json("/api/v1/teams", method: .post, token: admin, body: #"{"name":"S","bot":{"threshold":1.5}}"#)
            #expect((badBot.object as? [String: Any])?["error"] as? String == "bot.threshold: must be between 0 and 1, not 1.5")

            // No bot on this channel: the customer waits for a person, who sees the likely answers.
            let visitor = try await client.visitorToken(app.webChat)
            try await Self.say(client, visitor, app.webChat, "s1", "怎么申请退款？")
            let seen = try await Self.transcript(client, admin) { $0.count == 1 }
            #expect(seen.conversation["status"] as? String == "queued")
            let id = try #require(seen.conversation["id"] as? Int)
            let suggested = try await client.json("/api/v1/conversations/\(id)/suggestions", token: ana)
            #expect(suggested.status == 200, "\(suggested.text)")
            let first = ((suggested.object as? [String: Any])?["suggestions"] as? [[String: Any]])?.first
            #expect(first?["entryId"] as? String == "refund" && first?["confident"] as? Bool == true)
            #expect(first?["answer"] as? String == "Open the order and tap Refund. 在订单页点击「退款」即可。")
            #expect(try await client.json("/api/v1/conversations/\(id)/suggestions?limit=0", token: ana).status == 400)
            #expect(try await client.json("/api/v1/conversations/\(id)/suggestions?messageId=999", token: ana).status == 400)
        }
    }
}
