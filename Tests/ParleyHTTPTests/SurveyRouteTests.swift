import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

/// The satisfaction survey as a web-chat visitor and an agent live it: the agent resolves, the
/// visitor is asked for a rating on their own channel, and their answer is kept without
/// reopening the conversation — while any other answer reopens it exactly as before.
@Suite("Satisfaction survey")
struct SurveyRouteTests {
    private static let survey = "How would you rate our help today? Reply with a number from 1 (poor) to 5 (excellent)."

    /// A visitor of the app's web chat, talking through the real routes.
    private struct Visitor {
        let client: any TestClientProtocol
        let channel: Channel
        let token: String

        func write(_ text: String, id: String) async throws {
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[.authorization] = "Bearer \(token)"
            let body = try JSONSerialization.data(withJSONObject: ["clientId": id, "text": text])
            let status = try await client.execute(
                uri: "/hooks/\(channel.id)", method: .post, headers: headers, body: ByteBuffer(bytes: body)
            ) { Int($0.status.code) }
            #expect(status == 200)
        }

        /// The visitor's thread as the widget reads it: (direction, sender, text).
        func thread() async throws -> [(String, String, String)] {
            var headers: HTTPFields = [:]
            headers[.authorization] = "Bearer \(token)"
            let text = try await client.execute(uri: "/widget/\(channel.id)/messages", method: .get, headers: headers) { String(buffer: $0.body) }
            let messages = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["messages"] as? [[String: Any]] ?? []
            return messages.map {
                ($0["direction"] as? String ?? "", ($0["sender"] as? [String: Any])?["type"] as? String ?? "", $0["text"] as? String ?? "")
            }
        }
    }

    /// The app with Ana, an agent, besides the admin; both signed in.
    private struct Desk {
        let app: TestApp
        let ana: Agent
        let admin: String
        let anaToken: String
    }

    private func withDesk(_ setup: TestingSetup, _ body: @Sendable (any TestClientProtocol, Desk) async throws -> Void) async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let ana = try await app.harness.addAgent("ana@example.com")
        try await app.application().test(setup) { client in
            let desk = Desk(app: app, ana: ana, admin: try await client.login("admin@example.com"), anaToken: try await client.login("ana@example.com"))
            try await body(client, desk)
        }
    }

    private func conversation(_ client: some TestClientProtocol, _ id: Int, _ token: String) async throws -> [String: Any] {
        let answer = try await client.json("/api/v1/conversations/\(id)", token: token)
        #expect(answer.status == 200, "\(answer.text)")
        return answer.object as? [String: Any] ?? [:]
    }

    private func conversationIDs(_ client: some TestClientProtocol, _ token: String) async throws -> [Int] {
        let list = try await client.json("/api/v1/conversations", token: token)
        return ((list.object as? [String: Any])?["conversations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }.sorted()
    }

    private func ratings(_ app: TestApp) async throws -> [Row] {
        try await app.harness.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT conversation_id, contact_id, agent_id, resolved_by, team_id, score, at FROM csat_responses ORDER BY id")
        }
    }

    /// The visitor writes, Ana takes the conversation and resolves it; returns its id.
    private func servedAndResolved(_ client: some TestClientProtocol, _ visitor: Visitor, ana: String, admin: String) async throws -> Int {
        try await visitor.write("My order is late", id: "c1")
        let id = try #require(try await conversationIDs(client, admin).last)
        #expect(try await client.json("/api/v1/conversations/\(id)/assign", method: .post, token: ana, body: #"{"agentId":"me"}"#).status == 200)
        let resolved = try await client.json("/api/v1/conversations/\(id)/resolve", method: .post, token: ana)
        #expect(resolved.status == 200, "\(resolved.text)")
        #expect((resolved.object as? [String: Any])?["status"] as? String == "resolved")
        return id
    }

    @Test(.timeLimit(.minutes(1))) func aRatingIsKeptThankedAndLeavesTheConversationResolved() async throws {
        try await withDesk(.live) { client, desk in
            let (app, ana, admin, anaToken) = (desk.app, desk.ana, desk.admin, desk.anaToken)
            let visitor = Visitor(client: client, channel: app.webChat, token: try await client.visitorToken(app.webChat))
            let id = try await servedAndResolved(client, visitor, ana: anaToken, admin: admin)

            #expect(try await visitor.thread().map(\.2) == ["My order is late", Self.survey])
            #expect(try await visitor.thread().last?.1 == "system")
            // The dispatcher takes the survey from the outbox: the visitor is away, so it is held for their return.
            var route: String?
            for _ in 0..<250 where route == nil {
                let messages = try await client.json("/api/v1/conversations/\(id)/messages", token: admin)
                route = ((messages.object as? [String: Any])?["messages"] as? [[String: Any]])?.last?["route"] as? String
                if route == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(route == "heldForReturn")
            #expect(try await conversation(client, id, admin)["csat"] == nil, "not rated yet")

            app.harness.clock.advance(by: 3600)
            try await visitor.write(" ４ ", id: "c2")
            let rated = try await conversation(client, id, admin)
            #expect(rated["status"] as? String == "resolved")
            let csat = rated["csat"] as? [String: Any]
            #expect(csat?.count == 2 && csat?["score"] as? Int == 4 && csat?["at"] as? String == "2027-01-15T09:00:00.000Z", "\(rated)")
            #expect(try await visitor.thread().map(\.2) == ["My order is late", Self.survey, " ４ ", "Thank you for your rating!"])
            let rows = try await ratings(app)
            #expect(rows.count == 1)
            #expect(rows.first.map { [$0["conversation_id"], $0["agent_id"], $0["resolved_by"], $0["score"]] as [Int64?] }
                == [Int64(id), ana.id.rawValue, ana.id.rawValue, 4])
            #expect(rows.first?["team_id"] as Int64? == nil)

            // A second rating is an ordinary message: it reopens the conversation, and the first rating stands.
            try await visitor.write("5", id: "c3")
            let reopened = try await conversation(client, id, admin)
            #expect(reopened["status"] as? String == "queued")
            #expect((reopened["csat"] as? [String: Any])?["score"] as? Int == 4)
            #expect(try await ratings(app).count == 1)
            #expect(try await visitor.thread().map(\.2).last == "5")
        }
    }

    @Test func anyOtherAnswerReopensAsBeforeAndARatingAfterTheWindowIsAnOrdinaryMessage() async throws {
        try await withDesk(.router) { client, desk in
            let (app, admin, anaToken) = (desk.app, desk.admin, desk.anaToken)
            let visitor = Visitor(client: client, channel: app.webChat, token: try await client.visitorToken(app.webChat))

            let first = try await servedAndResolved(client, visitor, ana: anaToken, admin: admin)
            try await visitor.write("hello, one more thing", id: "c2")
            let reopened = try await conversation(client, first, admin)
            #expect(reopened["status"] as? String == "queued")
            #expect(reopened["assigneeId"] == nil)
            #expect(try await visitor.thread().map(\.2) == ["My order is late", Self.survey, "hello, one more thing"])

            // Resolved again: a new survey. A day and a second later its "5" is too late to answer it:
            // it starts a conversation as any message past the reopen window does, and nothing is rated.
            #expect(try await client.json("/api/v1/conversations/\(first)/assign", method: .post, token: anaToken, body: #"{"agentId":"me"}"#).status == 200)
            #expect(try await client.json("/api/v1/conversations/\(first)/resolve", method: .post, token: anaToken).status == 200)
            app.harness.clock.advance(by: 24 * 3600 + 1)
            try await visitor.write("5", id: "c3")
            let ids = try await conversationIDs(client, admin)
            #expect(ids.count == 2)
            #expect(try await conversation(client, first, admin)["status"] as? String == "resolved")
            #expect(try await conversation(client, ids[1], admin)["status"] as? String == "queued")
            #expect(try await visitor.thread().map(\.2).suffix(2) == [Self.survey, "5"])
            #expect(try await ratings(app).isEmpty)
        }
    }

    @Test func aTeamWithoutSurveyTextSendsNoneAndOneWithoutThanksStillKeepsTheRating() async throws {
        try await withDesk(.router) { client, desk in
            let (app, admin, anaToken) = (desk.app, desk.admin, desk.anaToken)
            let created = try await client.json("/api/v1/teams", method: .post, token: admin, body: #"{"name":"Quiet","texts":{"survey":"","queue":"","noAgent":""}}"#)
            #expect(created.status == 201, "\(created.text)")
            let team = try #require((created.object as? [String: Any])?["id"] as? Int)
            let texts = (created.object as? [String: Any])?["texts"] as? [String: String]
            #expect(texts?["survey"] == "" && texts?["surveyThanks"] == "Thank you for your rating!")
            // Ana works in the team, so she sees and claims its conversations.
            #expect(try await client.json("/api/v1/teams/\(team)/members/\(desk.ana.id.rawValue)", method: .put, token: admin).status == 204)
            #expect(try await client.json("/api/v1/channels/\(app.webChat.id)/team", method: .put, token: admin, body: #"{"teamId":\#(team)}"#).status == 204)

            let visitor = Visitor(client: client, channel: app.webChat, token: try await client.visitorToken(app.webChat))
            let id = try await servedAndResolved(client, visitor, ana: anaToken, admin: admin)
            let quiet = try await visitor.thread().map(\.2)
            #expect(quiet == ["My order is late"], "\(quiet)")
            try await visitor.write("5", id: "c2")
            #expect(try await conversation(client, id, admin)["status"] as? String == "queued", "no survey was pending: 5 reopens")
            #expect(try await ratings(app).isEmpty)

            let changed = try await client.json("/api/v1/teams/\(team)", method: .put, token: admin,
                                                body: #"{"name":"Quiet","texts":{"survey":"评分 1-5？","surveyThanks":"","queue":"","noAgent":""}}"#)
            #expect(changed.status == 200, "\(changed.text)")
            #expect(try await client.json("/api/v1/conversations/\(id)/assign", method: .post, token: anaToken, body: #"{"agentId":"me"}"#).status == 200)
            #expect(try await client.json("/api/v1/conversations/\(id)/resolve", method: .post, token: anaToken).status == 200)
            try await visitor.write("五星！", id: "c3")
            #expect(try await visitor.thread().map(\.2).suffix(2) == ["评分 1-5？", "五星！"], "no thanks after the rating")
            #expect(try await conversation(client, id, admin)["status"] as? String == "resolved")
            let rows = try await ratings(app)
            #expect(rows.map { $0["score"] as Int } == [5])
            #expect(rows.first?["team_id"] as Int64? == Int64(team))
        }
    }
}
