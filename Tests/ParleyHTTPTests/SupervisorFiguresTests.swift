import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import ParleyCore
import ParleyStore
import ParleyTesting
import Testing

/// The figures a supervisor watches, over a floor whose every number is known: two teams and
/// conversations without one, agents with presences and chats, customers waiting for known times,
/// pick-ups and an abandonment, a bot hand-over and a bot resolution, agent replies at known
/// times and two ratings — read as JSON and as Prometheus lines.
@Suite("Supervisor figures")
struct SupervisorFiguresTests {
    /// The floor as the store holds it, two hours after `start`.
    private struct Floor {
        let app: TestApp
        let start: Date
        let agents: [String: Agent]

        var store: SQLiteStore { app.harness.store }

        func at(_ offset: TimeInterval) -> Date { start.addingTimeInterval(offset) }

        /// A customer's message at `offset` seconds; returns its conversation.
        @discardableResult
        func write(_ channel: ChannelID, _ customer: String, _ text: String, at offset: TimeInterval) async throws -> ConversationID {
            let item = IngestItem(
                channelID: channel, reopenWindow: 1800,
                message: InboundMessage(externalUserID: customer, platformMessageID: "\(customer)-\(offset)", content: .text(text), sentAt: at(offset)),
                receivedAt: at(offset)
            )
            return try await store.ingest([item])[0].get().receipt.conversationID
        }

        func apply(_ command: ConversationCommand, _ id: ConversationID, by actor: Participant, at offset: TimeInterval) async throws {
            _ = try await store.apply(command, to: id, by: actor, timers: TimerSettings(idleTimeout: 0), at: at(offset))
        }

        func reply(_ id: ConversationID, by agent: String, at offset: TimeInterval) async throws {
            _ = try await store.appendOutbound(
                to: id, content: .text("On it"), sender: .agent(agents[agent]!.id), timers: TimerSettings(idleTimeout: 0), at: at(offset)
            )
        }

        func resolve(_ id: ConversationID, by agent: String, at offset: TimeInterval) async throws {
            _ = try await store.resolve(
                id, by: .agent(agents[agent]!.id), timers: TimerSettings(idleTimeout: 0), answerWindow: 86_400, at: at(offset)
            )
        }

        /// The conversation opened with the bot, as ingest opens it for a team with a bot: status
        /// `bot` and an `open` event into it.
        func openedWithBot(_ id: ConversationID) async throws {
            try await store.pool.write { db in
                try db.execute(sql: "UPDATE conversations SET status = 'bot' WHERE id = ?", arguments: [id.rawValue])
                try db.execute(sql: "UPDATE conversation_events SET to_status = 'bot' WHERE conversation_id = ? AND command = 'open'", arguments: [id.rawValue])
            }
        }
    }

    /// Sales (web chat; Ana online with 2 slots, Ben away with 3), Support (a second channel; Ana
    /// again, Cai online with 1 slot) and a third channel without a team; Dan, the admin and the
    /// supervisor Sue belong to no team. The clock stands two hours after the first event.
    private func floor() async throws -> Floor {
        let app = try await TestApp()
        let store = app.harness.store
        var agents: [String: Agent] = ["admin": app.admin]
        for (name, role) in [("ana", AgentRole.agent), ("ben", .agent), ("cai", .agent), ("dan", .agent), ("sue", .supervisor)] {
            agents[name] = try await app.harness.addAgent("\(name)@example.com", role: role)
        }
        let start = app.harness.clock.now()
        let sales = try await store.saveTeam(
            id: nil, name: "Sales", strategy: "manual-claim", stickyWindow: 0, overflowTeam: nil, overflowAfter: 0, profile: TeamProfile(), at: start
        )
        let support = try await store.saveTeam(
            id: nil, name: "Support", strategy: "manual-claim", stickyWindow: 0, overflowTeam: nil, overflowAfter: 0, profile: TeamProfile(), at: start
        )
        for (team, agent) in [(sales, "ana"), (sales, "ben"), (support, "ana"), (support, "cai")] {
            try await store.setMembership(team: team.id, agent: agents[agent]!.id, member: true)
        }
        for (agent, presence, capacity) in [("ana", "online", 2), ("ben", "away", 3), ("cai", "online", 1)] {
            try await store.setPresence(agents[agent]!.id, presence: presence)
            try await store.setCapacity(agents[agent]!.id, capacity: capacity)
        }
        let supportChannel = try await app.harness.addRecordingChannel()
        let otherChannel = try await app.harness.addRecordingChannel()
        try await store.setChannelTeam(app.webChat.id, team: sales.id)
        try await store.setChannelTeam(supportChannel.id, team: support.id)
        // The app's deadline scheduler runs beside the test: with no timers it escalates and
        // closes nothing, so every event is one the floor wrote.
        for channel in [app.webChat.id, supportChannel.id, otherChannel.id] {
            _ = try await app.harness.gateway.updateChannel(channel, settings: ["idleTimeout": "0s", "agentReplyTimeout": "0s"], by: app.admin)
        }
        let floor = Floor(app: app, start: start, agents: agents)
        let web = app.webChat.id
        let (ana, cai) = (Participant.agent(agents["ana"]!.id), Participant.agent(agents["cai"]!.id))

        // Sales: two customers still waiting (since 10 and 20 minutes in), one Ana took after
        // 100 s and answered 2 minutes after the customer wrote, one who gave up, and one the
        // bot handed over, which Ana answered 160 s after its first message, resolved, and which
        // was rated 5.
        try await floor.write(web, "s1", "Where is my order?", at: 600)
        try await floor.write(web, "s2", "Hello?", at: 1200)
        let s3 = try await floor.write(web, "s3", "Price of the blue one?", at: 1800)
        try await floor.apply(.assign(agents["ana"]!.id), s3, by: ana, at: 1900)
        try await floor.reply(s3, by: "ana", at: 1920)
        let s4 = try await floor.write(web, "s4", "Anyone?", at: 2400)
        try await floor.apply(.close(.abandoned), s4, by: .system, at: 3000)
        let s5 = try await floor.write(web, "s5", "I want a person", at: 3600)
        try await floor.openedWithBot(s5)
        try await floor.apply(.handOver, s5, by: .bot, at: 3660)
        try await floor.apply(.assign(agents["ana"]!.id), s5, by: ana, at: 3700)
        try await floor.reply(s5, by: "ana", at: 3760)
        try await floor.resolve(s5, by: "ana", at: 3800)
        try await floor.write(web, "s5", "5", at: 3900)

        // Support: one the bot resolved, one Cai answered after 400 s, resolved and was rated 3,
        // one waiting since 200 s before now, and one from two days ago that Cai still holds: its
        // reply in the window is not its first, so it is no first response.
        let p1 = try await floor.write(supportChannel.id, "p1", "Opening hours?", at: 1000)
        try await floor.openedWithBot(p1)
        try await floor.apply(.resolve, p1, by: .bot, at: 1100)
        let p2 = try await floor.write(supportChannel.id, "p2", "It is broken", at: 4000)
        try await floor.apply(.assign(agents["cai"]!.id), p2, by: cai, at: 4100)
        try await floor.reply(p2, by: "cai", at: 4400)
        try await floor.resolve(p2, by: "cai", at: 4500)
        try await floor.write(supportChannel.id, "p2", "3/5", at: 4600)
        try await floor.write(supportChannel.id, "p3", "Help", at: 7000)
        let old = try await floor.write(supportChannel.id, "p0", "Old question", at: -172_800)
        try await floor.apply(.assign(agents["cai"]!.id), old, by: cai, at: -172_000)
        try await floor.reply(old, by: "cai", at: -171_000)
        try await floor.reply(old, by: "cai", at: 5000)

        // No team: one customer waiting since 5,000 s in.
        try await floor.write(otherChannel.id, "n1", "Is anyone there?", at: 5000)
        app.harness.clock.set(floor.at(7200))
        return floor
    }

    private static func object(_ json: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] ?? [:]
    }

    private static func same(_ actual: Any?, _ expected: String) -> Bool {
        guard let actual = actual as? [String: Any] else { return false }
        return NSDictionary(dictionary: actual).isEqual(to: object(expected))
    }

    @Test func theFiguresAsJSON() async throws {
        let floor = try await floor()
        defer { floor.app.harness.removeFiles() }
        let ids = floor.agents.mapValues(\.id.rawValue)
        try await floor.app.application().test(.router) { client in
            let sue = try await client.login("sue@example.com")
            let answer = try await client.json("/api/v1/supervisor/figures", token: sue)
            #expect(answer.status == 200, "\(answer.text)")
            let figures = try #require(answer.object as? [String: Any])
            #expect(figures["since"] as? String == "2027-01-14T10:00:00.000Z")
            #expect(figures["at"] as? String == "2027-01-15T10:00:00.000Z")
            let teams = try #require(figures["teams"] as? [[String: Any]])
            #expect(teams.count == 2)
            #expect(Self.same(teams.first, """
                {"team": {"id": 1, "name": "Sales"},
                 "queue": {"length": 2, "longestWaitSeconds": 6600},
                 "agents": {"online": 1, "away": 1, "offline": 0, "activeChats": 1, "onlineCapacity": 2,
                            "members": [{"id": \(ids["ana"]!), "name": "ana@example.com", "presence": "online", "activeChats": 1, "capacity": 2},
                                        {"id": \(ids["ben"]!), "name": "ben@example.com", "presence": "away", "activeChats": 0, "capacity": 3}]},
                 "pickUp": {"entered": 5, "pickedUp": 2, "abandoned": 1, "rate": 0.4},
                 "bot": {"opened": 1, "handedOver": 1, "resolved": 0, "handOverRate": 1, "resolutionRate": 0},
                 "firstResponse": {"conversations": 2, "averageSeconds": 140},
                 "csat": {"responses": 1, "average": 5, "scores": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}}}
                """), "\(teams.first ?? [:])")
            #expect(Self.same(teams.last, """
                {"team": {"id": 2, "name": "Support"},
                 "queue": {"length": 1, "longestWaitSeconds": 200},
                 "agents": {"online": 2, "away": 0, "offline": 0, "activeChats": 2, "onlineCapacity": 3,
                            "members": [{"id": \(ids["ana"]!), "name": "ana@example.com", "presence": "online", "activeChats": 1, "capacity": 2},
                                        {"id": \(ids["cai"]!), "name": "cai@example.com", "presence": "online", "activeChats": 1, "capacity": 1}]},
                 "pickUp": {"entered": 2, "pickedUp": 1, "abandoned": 0, "rate": 0.5},
                 "bot": {"opened": 1, "handedOver": 0, "resolved": 1, "handOverRate": 0, "resolutionRate": 1},
                 "firstResponse": {"conversations": 1, "averageSeconds": 400},
                 "csat": {"responses": 1, "average": 3, "scores": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0}}}
                """), "\(teams.last ?? [:])")
            // Nothing was counted for the bot or first responses without a team: those rates are absent.
            #expect(Self.same(figures["noTeam"], """
                {"queue": {"length": 1, "longestWaitSeconds": 2200},
                 "agents": {"online": 0, "away": 0, "offline": 3, "activeChats": 0, "onlineCapacity": 0,
                            "members": [{"id": \(ids["admin"]!), "name": "admin@example.com", "presence": "offline", "activeChats": 0, "capacity": 5},
                                        {"id": \(ids["dan"]!), "name": "dan@example.com", "presence": "offline", "activeChats": 0, "capacity": 5},
                                        {"id": \(ids["sue"]!), "name": "sue@example.com", "presence": "offline", "activeChats": 0, "capacity": 5}]},
                 "pickUp": {"entered": 1, "pickedUp": 0, "abandoned": 0, "rate": 0},
                 "bot": {"opened": 0, "handedOver": 0, "resolved": 0},
                 "firstResponse": {"conversations": 0},
                 "csat": {"responses": 0, "scores": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}}}
                """), "\(figures["noTeam"] ?? [:])")
            #expect(Self.same(figures["total"], """
                {"queue": {"length": 4, "longestWaitSeconds": 6600},
                 "agents": {"online": 2, "away": 1, "offline": 3, "activeChats": 2, "onlineCapacity": 3},
                 "pickUp": {"entered": 8, "pickedUp": 3, "abandoned": 1, "rate": 0.375},
                 "bot": {"opened": 2, "handedOver": 1, "resolved": 1, "handOverRate": 0.5, "resolutionRate": 0.5},
                 "firstResponse": {"conversations": 3, "averageSeconds": \(680.0 / 3)},
                 "csat": {"responses": 2, "average": 4, "scores": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}}}
                """), "\(figures["total"] ?? [:])")

            // A narrower window: since 50 minutes in, Sales saw only the handed-over conversation enter its queue.
            let narrow = try await client.json("/api/v1/supervisor/figures?since=2027-01-15T08:50:00Z", token: sue)
            let narrowSales = ((narrow.object as? [String: Any])?["teams"] as? [[String: Any]])?.first
            #expect(Self.same(narrowSales?["pickUp"], #"{"entered": 1, "pickedUp": 1, "abandoned": 0, "rate": 1}"#), "\(narrow.text)")
            #expect(Self.same(narrowSales?["firstResponse"], #"{"conversations": 1, "averageSeconds": 160}"#), "\(narrow.text)")
            #expect((narrow.object as? [String: Any])?["since"] as? String == "2027-01-15T08:50:00.000Z")
        }
    }

    @Test func theFiguresAsPrometheusGauges() async throws {
        let floor = try await floor()
        defer { floor.app.harness.removeFiles() }
        let ids = ["admin", "ana", "ben", "cai", "dan", "sue"].map { floor.agents[$0]!.id.rawValue }
        try await floor.app.application().test(.router) { client in
            let text = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            let families = [
                "parley_team_", "parley_bot_", "parley_first_response_", "parley_csat_", "parley_agent_",
            ]
            let lines = text.split(separator: "\n").map(String.init).filter { line in families.contains { line.hasPrefix($0) } }
            var expected = [
                #"parley_team_queue_length{team="Sales"} 2"#, #"parley_team_queue_length{team="Support"} 1"#, #"parley_team_queue_length{team=""} 1"#,
                #"parley_team_longest_wait_seconds{team="Sales"} 6600"#, #"parley_team_longest_wait_seconds{team="Support"} 200"#,
                #"parley_team_longest_wait_seconds{team=""} 2200"#,
                #"parley_team_agents_online{team="Sales"} 1"#, #"parley_team_agents_online{team="Support"} 2"#, #"parley_team_agents_online{team=""} 0"#,
                #"parley_team_active_chats{team="Sales"} 1"#, #"parley_team_active_chats{team="Support"} 2"#, #"parley_team_active_chats{team=""} 0"#,
                #"parley_team_online_capacity{team="Sales"} 2"#, #"parley_team_online_capacity{team="Support"} 3"#,
                #"parley_team_online_capacity{team=""} 0"#,
                #"parley_team_pick_up_ratio{team="Sales"} 0.4"#, #"parley_team_pick_up_ratio{team="Support"} 0.5"#, #"parley_team_pick_up_ratio{team=""} 0"#,
                #"parley_bot_hand_over_ratio{team="Sales"} 1"#, #"parley_bot_hand_over_ratio{team="Support"} 0"#,
                #"parley_bot_resolution_ratio{team="Sales"} 0"#, #"parley_bot_resolution_ratio{team="Support"} 1"#,
                #"parley_first_response_seconds_avg{team="Sales"} 140"#, #"parley_first_response_seconds_avg{team="Support"} 400"#,
                #"parley_csat_average{team="Sales"} 5"#, #"parley_csat_average{team="Support"} 3"#,
                #"parley_csat_responses{team="Sales"} 1"#, #"parley_csat_responses{team="Support"} 1"#, #"parley_csat_responses{team=""} 0"#,
            ]
            for (team, scores) in [("Sales", [0, 0, 0, 0, 1]), ("Support", [0, 0, 1, 0, 0]), ("", [0, 0, 0, 0, 0])] {
                expected += scores.enumerated().map { #"parley_csat_score_responses{team="\#(team)",score="\#($0.offset + 1)"} \#($0.element)"# }
            }
            let agents = zip(ids, [(0, 5, "offline"), (1, 2, "online"), (0, 3, "away"), (1, 1, "online"), (0, 5, "offline"), (0, 5, "offline")])
            expected += agents.map { #"parley_agent_active_chats{agent="\#($0)"} \#($1.0)"# }
            expected += agents.map { #"parley_agent_capacity{agent="\#($0)"} \#($1.1)"# }
            expected += agents.map { #"parley_agent_presence{agent="\#($0)",presence="\#($1.2)"} 1"# }
            #expect(lines == expected)
            #expect(text.contains("# TYPE parley_team_queue_length gauge\n"))
            #expect(text.contains("# HELP parley_team_pick_up_ratio Share of conversations that entered the queue in the last 24 h and were taken by an agent.\n"))
        }
    }

    @Test func agentsAreRefusedAndABadSinceIsNamed() async throws {
        let floor = try await floor()
        defer { floor.app.harness.removeFiles() }
        try await floor.app.application().test(.router) { client in
            let ana = try await client.login("ana@example.com")
            let refused = try await client.json("/api/v1/supervisor/figures", token: ana)
            #expect(refused.status == 403)
            #expect((refused.object as? [String: Any])?["error"] as? String == "only supervisors and admins read the figures")

            let admin = try await client.login("admin@example.com")
            #expect(try await client.json("/api/v1/supervisor/figures", token: admin).status == 200)
            let bad = try await client.json("/api/v1/supervisor/figures?since=yesterday", token: admin)
            #expect(bad.status == 400)
            #expect((bad.object as? [String: Any])?["error"] as? String == "since: 'yesterday' is not an ISO-8601 time such as 2026-11-24T09:00:00Z")
            let future = try await client.json("/api/v1/supervisor/figures?since=2027-01-16T00:00:00Z", token: admin)
            #expect(future.status == 400)
            #expect((future.object as? [String: Any])?["error"] as? String == "since: 2027-01-16T00:00:00Z is in the future")
            #expect(try await client.json("/api/v1/supervisor/figures").status == 401)
        }
    }
}
