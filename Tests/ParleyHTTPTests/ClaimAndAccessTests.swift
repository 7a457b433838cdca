import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTesting
import Testing

/// Manual-claim teams (抢单) and who sees what: an agent sees the waiting conversations of their
/// own teams and their own chats, claims within their capacity, and two agents racing for one
/// conversation never both get it.
@Suite("Claiming and team access")
struct ClaimAndAccessTests {
    private static func write(_ client: some TestClientProtocol, _ app: TestApp, _ text: String) async throws -> Int {
        let visitor = try await client.visitorToken(app.webChat)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[.authorization] = "Bearer \(visitor)"
        return try await client.execute(uri: "/hooks/\(app.webChat.id)", method: .post, headers: headers,
                                        body: ByteBuffer(string: #"{"clientId":"c1","text":"\#(text)"}"#)) { response in
            let object = try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
            return object?["conversationId"] as? Int ?? -1
        }
    }

    private static func ids(_ client: some TestClientProtocol, _ token: String, _ query: String = "") async throws -> Set<Int> {
        let list = try await client.json("/api/v1/conversations\(query)", token: token)
        return Set(((list.object as? [String: Any])?["conversations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
    }

    @Test(.timeLimit(.minutes(1))) func agentsSeeTheirTeamsQueuesAndClaimWithinCapacity() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let ana = try await app.harness.addAgent("ana@example.com")
        let ben = try await app.harness.addAgent("ben@example.com")
        try await app.application().test(.live) { client in
            let admin = try await client.login("admin@example.com")
            let anaToken = try await client.login("ana@example.com")
            let benToken = try await client.login("ben@example.com")
            func team(_ name: String, _ member: Agent) async throws -> Int {
                let created = try await client.json("/api/v1/teams", method: .post, token: admin, body: #"{"name":"\#(name)","strategy":"manual-claim"}"#)
                let id = try #require((created.object as? [String: Any])?["id"] as? Int)
                #expect(try await client.json("/api/v1/teams/\(id)/members/\(member.id.rawValue)", method: .put, token: admin).status == 204)
                return id
            }
            let sales = try await team("Sales", ana)
            let support = try await team("Support", ben)
            #expect(try await client.json("/api/v1/channels/\(app.webChat.id)/team", method: .put, token: admin, body: #"{"teamId":\#(sales)}"#).status == 204)
            for token in [anaToken, benToken] {
                #expect(try await client.json("/api/v1/agents/me/presence", method: .put, token: token, body: #"{"presence":"online"}"#).status == 204)
            }
            #expect(try await client.json("/api/v1/agents/\(ana.id.rawValue)/capacity", method: .put, token: admin, body: #"{"capacity":1}"#).status == 204)

            let first = try await Self.write(client, app, "first")
            let second = try await Self.write(client, app, "second")
            let moved = try await client.json("/api/v1/conversations/\(second)/transfer", method: .post, token: admin, body: #"{"teamId":\#(support)}"#)
            #expect(moved.status == 200, "\(moved.text)")

            // Each agent sees the queue of their own team only; the other's is not found.
            #expect(try await Self.ids(client, anaToken) == [first])
            #expect(try await Self.ids(client, benToken) == [second])
            #expect(try await client.json("/api/v1/conversations/\(second)", token: anaToken).status == 404)
            #expect(try await client.json("/api/v1/conversations/\(second)/assign", method: .post, token: anaToken, body: #"{"agentId":"me"}"#).status == 404)
            #expect(try await Self.ids(client, admin) == [first, second])

            // Ana claims hers; at capacity she cannot take a third, and the refusal says why.
            let claimed = try await client.json("/api/v1/conversations/\(first)/assign", method: .post, token: anaToken, body: #"{"agentId":"me"}"#)
            #expect(claimed.status == 200 && (claimed.object as? [String: Any])?["assigneeId"] as? Int == Int(ana.id.rawValue))
            let third = try await Self.write(client, app, "third")
            let full = try await client.json("/api/v1/conversations/\(third)/assign", method: .post, token: anaToken, body: #"{"agentId":"me"}"#)
            #expect(full.status == 409)
            #expect((full.object as? [String: Any])?["error"] as? String == "agent \(ana.id.rawValue) is at capacity (1 of 1 chats)")
            #expect(try await client.json("/api/v1/conversations/\(third)", token: anaToken).object.flatMap { ($0 as? [String: Any])?["status"] as? String } == "queued")
        }
    }

    @Test(.timeLimit(.minutes(1))) func twoAgentsRacingForOneConversationNeverBothGetIt() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let agents = [try await app.harness.addAgent("ana@example.com"), try await app.harness.addAgent("ben@example.com")]
        try await app.application().test(.live) { client in
            let admin = try await client.login("admin@example.com")
            let created = try await client.json("/api/v1/teams", method: .post, token: admin, body: #"{"name":"Sales","strategy":"manual-claim"}"#)
            let team = try #require((created.object as? [String: Any])?["id"] as? Int)
            var tokens: [String] = []
            for agent in agents {
                #expect(try await client.json("/api/v1/teams/\(team)/members/\(agent.id.rawValue)", method: .put, token: admin).status == 204)
                let token = try await client.login(agent.email)
                #expect(try await client.json("/api/v1/agents/me/presence", method: .put, token: token, body: #"{"presence":"online"}"#).status == 204)
                tokens.append(token)
            }
            #expect(try await client.json("/api/v1/channels/\(app.webChat.id)/team", method: .put, token: admin, body: #"{"teamId":\#(team)}"#).status == 204)
            for round in 0..<10 {
                let conversation = try await Self.write(client, app, "race \(round)")
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for token in tokens {
                        group.addTask {
                            try await client.json("/api/v1/conversations/\(conversation)/assign", method: .post, token: token, body: #"{"agentId":"me"}"#).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                // The loser hears 409 when the write refused it, or 404 when the winner's claim had
                // already made the conversation someone else's (which agents may not see).
                #expect(statuses.filter { $0 == 200 }.count == 1 && statuses.allSatisfy { [200, 404, 409].contains($0) }, "round \(round): \(statuses)")
                let assigned = try await client.json("/api/v1/conversations/\(conversation)", token: admin).object as? [String: Any]
                #expect(assigned?["status"] as? String == "assigned", "round \(round)")
            }
        }
    }
}
