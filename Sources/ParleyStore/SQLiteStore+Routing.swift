import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: RoutingRepository {
    public func teams() async throws -> [TeamRecord] {
        try await pool.read { db in try Self.teams(db, where: nil) }
    }

    public func team(named name: String) async throws -> TeamRecord? {
        try await pool.read { db in try Self.teams(db, where: name).first }
    }

    public func saveTeam(
        id: TeamID?, name: String, strategy: String, stickyWindow: TimeInterval, overflowTeam: TeamID?, overflowAfter: TimeInterval,
        profile: TeamProfile, at time: Date
    ) async throws(StoreError) -> TeamRecord {
        let profileJSON = String(decoding: (try? JSONEncoder().encode(profile)) ?? Data("{}".utf8), as: UTF8.self)
        return try await write { db in
            do {
                if let id {
                    try db.execute(
                        sql: """
                            UPDATE teams SET name = ?, strategy = ?, sticky_window = ?, overflow_team_id = ?, overflow_after = ?, profile = ?
                            WHERE id = ?
                            """,
                        arguments: [name, strategy, stickyWindow, overflowTeam?.rawValue, overflowAfter, profileJSON, id.rawValue]
                    )
                    guard db.changesCount > 0 else { throw StoreError.notFound("team \(id)") }
                } else {
                    try db.execute(
                        sql: """
                            INSERT INTO teams (name, strategy, sticky_window, overflow_team_id, overflow_after, profile, created_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [name, strategy, stickyWindow, overflowTeam?.rawValue, overflowAfter, profileJSON, time.timeIntervalSince1970]
                    )
                }
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                throw StoreError.conflict("a team named '\(name)' already exists")
            }
            return try Self.teams(db, where: name).first!
        }
    }

    public func setMembership(team: TeamID, agent: AgentID, member: Bool) async throws(StoreError) {
        try await write { db in
            if member {
                try db.execute(
                    sql: "INSERT INTO team_members (team_id, agent_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    arguments: [team.rawValue, agent.rawValue]
                )
            } else {
                try db.execute(sql: "DELETE FROM team_members WHERE team_id = ? AND agent_id = ?", arguments: [team.rawValue, agent.rawValue])
            }
        }
    }

    public func setChannelTeam(_ channel: ChannelID, team: TeamID?) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "UPDATE channels SET team_id = ? WHERE id = ?", arguments: [team?.rawValue, channel.rawValue])
            guard db.changesCount > 0 else { throw StoreError.notFound("channel \(channel)") }
        }
    }

    public func channelTeam(_ channel: ChannelID) async throws -> TeamID? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT team_id FROM channels WHERE id = ?", arguments: [channel.rawValue]).map(TeamID.init)
        }
    }

    public func setPresence(_ agent: AgentID, presence: String) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "UPDATE agents SET presence = ? WHERE id = ?", arguments: [presence, agent.rawValue])
            guard db.changesCount > 0 else { throw StoreError.notFound("agent \(agent)") }
        }
    }

    public func setCapacity(_ agent: AgentID, capacity: Int) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "UPDATE agents SET capacity = ? WHERE id = ?", arguments: [capacity, agent.rawValue])
            guard db.changesCount > 0 else { throw StoreError.notFound("agent \(agent)") }
        }
    }

    public func routingState() async throws -> RoutingState {
        try await pool.read { db in
            RoutingState(teams: try Self.teams(db, where: nil), agents: try Self.agentLoads(db, nil), waiting: try Self.waitingConversations(db, nil))
        }
    }

    public func agentLoads(_ ids: [AgentID]?) async throws -> [AgentLoad] {
        try await pool.read { db in try Self.agentLoads(db, ids) }
    }

    static func agentLoads(_ db: Database, _ ids: [AgentID]?) throws -> [AgentLoad] {
        let filter = ids.map { "WHERE a.id IN \(Self.idList($0.map(\.rawValue)))" } ?? ""
        return try Row.fetchAll(
            db,
            sql: """
                SELECT a.id, a.presence, a.capacity, a.last_assigned_at,
                       (SELECT COUNT(*) FROM conversations c WHERE c.assignee_id = a.id AND c.status = 'assigned') AS active,
                       (SELECT GROUP_CONCAT(team_id) FROM team_members m WHERE m.agent_id = a.id) AS teams
                FROM agents a \(filter) ORDER BY a.id
                """
        ).map { row in
            let teams = (row["teams"] as String?)?.split(separator: ",").compactMap { Int64($0) }.map(TeamID.init) ?? []
            return AgentLoad(
                id: AgentID(row["id"]), teams: teams, presence: row["presence"], capacity: row["capacity"], activeChats: row["active"],
                lastAssignedAt: Columns.date(row["last_assigned_at"])
            )
        }
    }

    public func waitingConversations(_ ids: [ConversationID]?) async throws -> [WaitingConversation] {
        try await pool.read { db in try Self.waitingConversations(db, ids) }
    }

    private static func waitingConversations(_ db: Database, _ ids: [ConversationID]?) throws -> [WaitingConversation] {
        let filter = ids.map { " AND c.id IN \(Self.idList($0.map(\.rawValue)))" } ?? ""
        // The sticky agent: whoever last served this contact, in this conversation before it
        // was reopened or in an earlier one.
        return try Row.fetchAll(
            db,
            sql: """
                SELECT c.id, c.channel_id, COALESCE(c.team_id, ch.team_id) AS team, COALESCE(c.waiting_since, c.updated_at) AS since,
                       EXISTS (SELECT 1 FROM conversations o WHERE o.contact_id = c.contact_id AND o.id < c.id) AS repeat_visitor,
                       e.assignee_id AS previous_agent, e.at AS served_at,
                       last.command AS last_command, last.previous_assignee_id AS last_agent, ct.vip,
                       (SELECT MAX(ev.at) FROM conversation_events ev JOIN conversations o ON o.id = ev.conversation_id
                        WHERE o.contact_id = c.contact_id AND ev.command = 'close' AND ev.from_status = 'queued') AS failed_queue_at
                FROM conversations c
                JOIN channels ch ON ch.id = c.channel_id
                JOIN contacts ct ON ct.id = c.contact_id
                LEFT JOIN conversation_events last ON last.id = (
                    SELECT id FROM conversation_events WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1)
                LEFT JOIN conversation_events e ON e.id = (
                    SELECT ev.id FROM conversation_events ev JOIN conversations o ON o.id = ev.conversation_id
                    WHERE o.contact_id = c.contact_id AND ev.assignee_id IS NOT NULL ORDER BY ev.id DESC LIMIT 1)
                WHERE c.status = 'queued' AND COALESCE(c.team_id, ch.team_id) IS NOT NULL\(filter)
                ORDER BY since, c.id
                """
        ).map { row in
            // How it came back to the queue: taken from a slow agent, or reopened by the customer
            // (who goes back to the agent who served them when that agent can take it).
            let lastAgent = (row["last_agent"] as Int64?).map(AgentID.init)
            let lastCommand: String? = row["last_command"]
            return WaitingConversation(
                id: ConversationID(row["id"]), channelID: ChannelID(row["channel_id"]), team: TeamID(row["team"]), waitingSince: Date(timeIntervalSince1970: row["since"]),
                repeatVisitor: row["repeat_visitor"], previousAgent: (row["previous_agent"] as Int64?).map(AgentID.init),
                previouslyServedAt: Columns.date(row["served_at"]), escalatedFrom: lastCommand == "escalate" ? lastAgent : nil,
                reopenedFrom: lastCommand == "reopen" ? lastAgent : nil, isVIP: row["vip"], lastFailedQueueAt: Columns.date(row["failed_queue_at"])
            )
        }
    }

    public func assignFromQueue(
        _ id: ConversationID, to agent: AgentID, capacity: Int, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> (Conversation, ConversationTransition)? {
        try await write { db in
            guard var conversation = try Self.loadConversation(db, id), conversation.status == .queued else { return nil }
            let active = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM conversations WHERE assignee_id = ? AND status = 'assigned'", arguments: [agent.rawValue]
            ) ?? 0
            guard active < capacity else { return nil }
            let transition = try Self.transition(db, &conversation, .assign(agent), by: .system, at: time)
            try db.execute(sql: "UPDATE agents SET last_assigned_at = ? WHERE id = ?", arguments: [time.timeIntervalSince1970, agent.rawValue])
            try Self.syncDeadlines(db, conversation, timers)
            return (conversation, transition)
        }
    }

    public func tellWaiting(_ id: ConversationID, _ text: String, at time: Date) async throws(StoreError) -> (Message, Conversation)? {
        try await write { db in
            guard var conversation = try Self.loadConversation(db, id), conversation.status == .queued else { return nil }
            let message = try Self.appendOutboundRow(db, &conversation, content: .text(text), sender: .system, at: time)
            return (message, conversation)
        }
    }

    public func leaveForLater(
        _ id: ConversationID, notice: String, timers: TimerSettings, at time: Date
    ) async throws(StoreError) -> (Conversation, ConversationTransition, Message?)? {
        try await write { db in
            guard var conversation = try Self.loadConversation(db, id), conversation.status == .queued else { return nil }
            let transition = try Self.transition(db, &conversation, .park, by: .system, at: time)
            let message = notice.isEmpty ? nil : try Self.appendOutboundRow(db, &conversation, content: .text(notice), sender: .system, at: time)
            try Self.syncDeadlines(db, conversation, timers)
            return (conversation, transition, message)
        }
    }

    public func moveToTeam(_ id: ConversationID, team: TeamID) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "UPDATE conversations SET team_id = ? WHERE id = ?", arguments: [team.rawValue, id.rawValue])
        }
    }

    /// `(1,2,3)`: row ids are integers, so they are written into the SQL as they are.
    private static func idList(_ ids: [Int64]) -> String {
        "(" + ids.map(String.init).joined(separator: ",") + ")"
    }

    static func teams(_ db: Database, where name: String?) throws -> [TeamRecord] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT t.id, t.name, t.strategy, t.sticky_window, t.overflow_team_id, t.overflow_after, t.profile,
                       (SELECT GROUP_CONCAT(agent_id) FROM (SELECT agent_id FROM team_members m WHERE m.team_id = t.id ORDER BY agent_id)) AS members
                FROM teams t \(name == nil ? "" : "WHERE t.name = ?") ORDER BY t.id
                """,
            arguments: name.map { [$0] } ?? []
        )
        return rows.map { row in
            TeamRecord(
                id: TeamID(row["id"]), name: row["name"], strategy: row["strategy"], stickyWindow: row["sticky_window"],
                overflowTeam: (row["overflow_team_id"] as Int64?).map(TeamID.init), overflowAfter: row["overflow_after"],
                members: (row["members"] as String?)?.split(separator: ",").compactMap { Int64($0) }.map(AgentID.init) ?? [],
                profile: TeamProfile.stored(row["profile"])
            )
        }
    }
}
