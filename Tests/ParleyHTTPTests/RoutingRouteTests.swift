import Foundation
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyTesting
import Testing

/// The routing API as the workbench and an admin use it: a team, its member coming online, and a
/// visitor's conversation landing on that member without anyone assigning it.
@Suite("Routing API")
struct RoutingRouteTests {
    @Test(.timeLimit(.minutes(1))) func anAdminBuildsATeamAndItsOnlineMemberGetsTheNextVisitor() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let ana = try await app.harness.addAgent("ana@example.com")
        try await app.application().test(.live) { client in
            let admin = try await client.login("admin@example.com")
            let anaToken = try await client.login("ana@example.com")

            let created = try await client.json("/api/v1/teams", method: .post, token: admin,
                                               body: #"{"name":"Support","strategy":"least-busy","stickyWindow":"30m"}"#)
            #expect(created.status == 201, "\(created.text)")
            let team = try #require((created.object as? [String: Any])?["id"] as? Int)
            #expect((created.object as? [String: Any])?["stickyWindow"] as? String == "30m")

            #expect(try await client.json("/api/v1/teams/\(team)/members/\(ana.id.rawValue)", method: .put, token: admin).status == 204)
            #expect(try await client.json("/api/v1/channels/\(app.webChat.id)/team", method: .put, token: admin, body: #"{"teamId":\#(team)}"#).status == 204)
            #expect(try await client.json("/api/v1/agents/me/presence", method: .put, token: anaToken, body: #"{"presence":"online"}"#).status == 204)

            let agents = try await client.json("/api/v1/agents", token: admin)
            let listed = ((agents.object as? [String: Any])?["agents"] as? [[String: Any]])?.first { $0["email"] as? String == "ana@example.com" }
            #expect(listed?["presence"] as? String == "online" && listed?["teams"] as? [Int] == [team] && listed?["capacity"] as? Int == 5)

            let visitor = try await client.visitorToken(app.webChat)
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[.authorization] = "Bearer \(visitor)"
            let sent = try await client.execute(uri: "/hooks/\(app.webChat.id)", method: .post, headers: headers,
                                                body: ByteBuffer(string: #"{"clientId":"c1","text":"Hi"}"#)) { Int($0.status.code) }
            #expect(sent == 200)

            var mine: [[String: Any]] = []
            for _ in 0..<200 where mine.isEmpty {
                let list = try await client.json("/api/v1/conversations?assignee=me", token: anaToken)
                mine = (list.object as? [String: Any])?["conversations"] as? [[String: Any]] ?? []
                if mine.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(mine.count == 1 && mine.first?["status"] as? String == "assigned")
        }
    }

    @Test func teamSettingsAndPresenceAreCheckedAndGuarded() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        _ = try await app.harness.addAgent("ana@example.com")
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin@example.com")
            let ana = try await client.login("ana@example.com")
            let bad = try await client.json("/api/v1/teams", method: .post, token: admin, body: #"{"name":"Sales","strategy":"fastest"}"#)
            #expect(bad.status == 400)
            #expect((bad.object as? [String: Any])?["error"] as? String == "strategy: 'fastest' is not one of least-busy, round-robin, manual-claim")
            let badHours = try await client.json("/api/v1/teams", method: .post, token: admin,
                                                 body: #"{"name":"Sales","hours":{"timeZone":"Asia/Shanghai","holidays":["2027-02-30"]}}"#)
            #expect((badHours.object as? [String: Any])?["error"] as? String == "hours.holidays[0]: '2027-02-30' is not a date written YYYY-MM-DD")
            let forbidden = try await client.json("/api/v1/teams", method: .post, token: ana, body: #"{"name":"Sales"}"#)
            #expect(forbidden.status == 403)
            let presence = try await client.json("/api/v1/agents/me/presence", method: .put, token: ana, body: #"{"presence":"busy"}"#)
            #expect(presence.status == 400)
            #expect((presence.object as? [String: Any])?["error"] as? String == "presence: 'busy' is not one of online, away, offline")
            let capacity = try await client.json("/api/v1/agents/999/capacity", method: .put, token: admin, body: #"{"capacity":3}"#)
            #expect(capacity.status == 404)
            #expect((capacity.object as? [String: Any])?["error"] as? String == "agent 999 not found")
            let teams = try await client.json("/api/v1/teams", token: admin)
            #expect(((teams.object as? [String: Any])?["teams"] as? [Any])?.isEmpty == true, "nothing was written: \(teams.text)")

            let withHours = try await client.json("/api/v1/teams", method: .post, token: admin, body: """
                {"name":"Billing","hours":{"timeZone":"Asia/Shanghai","weekly":{"mon":["09:00-12:00","13:00-18:00"]}},
                 "priority":{"repeatVisitorsFirst":false},"texts":{"queue":"第 {{position}} 位"}}
                """)
            #expect(withHours.status == 201, "\(withHours.text)")
            let saved = withHours.object as? [String: Any]
            #expect((saved?["hours"] as? [String: Any])?["weekly"] as? [String: [String]] == ["mon": ["09:00-12:00", "13:00-18:00"]])
            #expect((saved?["priority"] as? [String: Bool]) == ["vipFirst": true, "returningAfterFailedQueueFirst": true, "repeatVisitorsFirst": false])
            #expect((saved?["texts"] as? [String: String])?["queue"] == "第 {{position}} 位")
            #expect((saved?["texts"] as? [String: String])?["noAgent"] == "No one is available right now. Leave your message here and we'll answer as soon as someone is back.")
        }
    }

    @Test func notesAndTransfersOverTheAPI() async throws {
        let app = try await TestApp()
        defer { app.harness.removeFiles() }
        let ana = try await app.harness.addAgent("ana@example.com")
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin@example.com")
            let visitor = try await client.visitorToken(app.webChat)
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[.authorization] = "Bearer \(visitor)"
            _ = try await client.execute(uri: "/hooks/\(app.webChat.id)", method: .post, headers: headers,
                                         body: ByteBuffer(string: #"{"clientId":"c1","text":"Hi"}"#)) { _ in }
            let list = try await client.json("/api/v1/conversations", token: admin)
            let id = try #require(((list.object as? [String: Any])?["conversations"] as? [[String: Any]])?.first?["id"] as? Int)

            let note = try await client.json("/api/v1/conversations/\(id)/notes", method: .post, token: admin, body: #"{"text":"VIP, be quick"}"#)
            #expect(note.status == 201, "\(note.text)")
            #expect((note.object as? [String: Any])?["direction"] as? String == "note")
            let both = try await client.json("/api/v1/conversations/\(id)/transfer", method: .post, token: admin,
                                             body: #"{"agentId":\#(ana.id.rawValue),"teamId":1}"#)
            #expect(both.status == 400)
            #expect((both.object as? [String: Any])?["error"] as? String == "agentId: give exactly one of agentId and teamId")
            let moved = try await client.json("/api/v1/conversations/\(id)/transfer", method: .post, token: admin,
                                              body: #"{"agentId":\#(ana.id.rawValue),"note":"yours"}"#)
            #expect(moved.status == 200, "\(moved.text)")
            #expect((moved.object as? [String: Any])?["assigneeId"] as? Int == Int(ana.id.rawValue))
        }
    }
}
