import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: ChannelRepository {
    public func insertChannel(_ channel: Channel, sealedCredentials: [UInt8], at time: Date) async throws {
        let settings = String(decoding: try Columns.jsonEncoder.encode(channel.settings), as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO channels (id, kind, name, settings, sealed_credentials, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [channel.id.rawValue, channel.kind.rawValue, channel.name, settings, Data(sealedCredentials),
                            time.timeIntervalSince1970]
            )
        }
    }

    public func updateChannelSettings(_ id: ChannelID, settings: [String: String]) async throws -> Bool {
        let text = String(decoding: try Columns.jsonEncoder.encode(settings), as: UTF8.self)
        return try await pool.write { db in
            try db.execute(sql: "UPDATE channels SET settings = ? WHERE id = ?", arguments: [text, id.rawValue])
            return db.changesCount > 0
        }
    }

    public func channels() async throws -> [Channel] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM channels ORDER BY created_at, id").compactMap { Self.storedChannel($0)?.channel }
        }
    }

    public func channel(_ id: ChannelID) async throws -> StoredChannel? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM channels WHERE id = ?", arguments: [id.rawValue]).flatMap(Self.storedChannel)
        }
    }

    public func pollCursor(_ id: ChannelID) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT cursor FROM poll_cursors WHERE channel_id = ?", arguments: [id.rawValue])
        }
    }

    public func savePollCursor(_ cursor: String, for id: ChannelID, at time: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO poll_cursors (channel_id, cursor, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(channel_id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at
                    """,
                arguments: [id.rawValue, cursor, time.timeIntervalSince1970]
            )
        }
    }

    private static func storedChannel(_ row: Row) -> StoredChannel? {
        guard let kind = ChannelKind(rawValue: row["kind"]) else { return nil }
        let settingsText: String = row["settings"]
        let settings = (try? JSONDecoder().decode([String: String].self, from: Data(settingsText.utf8))) ?? [:]
        let sealed: Data = row["sealed_credentials"]
        let channel = Channel(id: ChannelID(row["id"]), kind: kind, name: row["name"], settings: settings)
        return StoredChannel(channel: channel, sealedCredentials: Array(sealed))
    }
}

extension SQLiteStore: AgentRepository {
    public func insertAgent(_ draft: AgentDraft, at time: Date) async throws(StoreError) -> Agent {
        try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM agents WHERE email = ?", arguments: [draft.email]) == true {
                throw StoreError.conflict("an agent with email \(draft.email) already exists")
            }
            try db.execute(
                sql: "INSERT INTO agents (email, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [draft.email, draft.name, draft.role.rawValue, draft.passwordHash, time.timeIntervalSince1970]
            )
            return Agent(id: AgentID(db.lastInsertedRowID), email: draft.email, name: draft.name, role: draft.role)
        }
    }

    public func agentWithPasswordHash(email: String) async throws -> (Agent, String)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT a.*, \(Self.agentTeams) FROM agents a WHERE email = ?", arguments: [email]).map {
                (Self.agent($0), $0["password_hash"])
            }
        }
    }

    public func agent(_ id: AgentID) async throws -> Agent? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT a.*, \(Self.agentTeams) FROM agents a WHERE id = ?", arguments: [id.rawValue]).map(Self.agent)
        }
    }

    public func agentCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM agents") ?? 0 }
    }

    public func insertToken(digest: [UInt8], agent: AgentID, expiresAt: Date, at time: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO api_tokens (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [Data(digest), agent.rawValue, time.timeIntervalSince1970, expiresAt.timeIntervalSince1970]
            )
        }
    }

    public func agent(tokenDigest: [UInt8], now: Date) async throws -> Agent? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT a.*, \(Self.agentTeams) FROM api_tokens t JOIN agents a ON a.id = t.agent_id
                    WHERE t.token_hash = ? AND t.expires_at > ?
                    """,
                arguments: [Data(tokenDigest), now.timeIntervalSince1970]
            ).map(Self.agent)
        }
    }

    public func agents() async throws -> [Agent] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT a.*, \(Self.agentTeams) FROM agents a ORDER BY id").map(Self.agent) }
    }

    /// Every agent query selects `a.*` and `teams` (`agentTeams`).
    private static func agent(_ row: Row) -> Agent {
        let teams = (row["teams"] as String?)?.split(separator: ",").compactMap { Int64($0) }.map(TeamID.init) ?? []
        return Agent(
            id: AgentID(row["id"]), email: row["email"], name: row["name"], role: AgentRole(rawValue: row["role"]) ?? .agent, teams: Set(teams)
        )
    }

    private static let agentTeams = "(SELECT GROUP_CONCAT(m.team_id) FROM team_members m WHERE m.agent_id = a.id) AS teams"
}
