import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: CannedResponseRepository {
    private static let cannedFields = "id, shortcut, title, text, team_id, created_at, updated_at"

    public func cannedResponses() async throws -> [CannedResponse] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.cannedFields) FROM canned_responses ORDER BY shortcut COLLATE NOCASE, id").map(Self.canned)
        }
    }

    public func cannedResponse(_ id: CannedResponseID) async throws -> CannedResponse? {
        try await pool.read { db in try Self.canned(db, id) }
    }

    public func cannedResponse(shortcut: String) async throws -> CannedResponse? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.cannedFields) FROM canned_responses WHERE shortcut = ?", arguments: [shortcut]).map(Self.canned)
        }
    }

    public func insertCannedResponse(_ draft: CannedResponseDraft, at time: Date) async throws(StoreError) -> CannedResponse {
        try await write { db in
            try Self.unique(draft.shortcut) {
                try db.execute(
                    sql: "INSERT INTO canned_responses (shortcut, title, text, team_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [draft.shortcut, draft.title, draft.text, draft.team?.rawValue, time.timeIntervalSince1970, time.timeIntervalSince1970]
                )
            }
            return try Self.canned(db, CannedResponseID(db.lastInsertedRowID))!
        }
    }

    public func updateCannedResponse(_ id: CannedResponseID, _ draft: CannedResponseDraft, at time: Date) async throws(StoreError) -> CannedResponse {
        try await write { db in
            try Self.unique(draft.shortcut) {
                try db.execute(
                    sql: "UPDATE canned_responses SET shortcut = ?, title = ?, text = ?, team_id = ?, updated_at = ? WHERE id = ?",
                    arguments: [draft.shortcut, draft.title, draft.text, draft.team?.rawValue, time.timeIntervalSince1970, id.rawValue]
                )
            }
            guard let updated = try Self.canned(db, id) else { throw StoreError.notFound("canned response \(id)") }
            return updated
        }
    }

    public func deleteCannedResponse(_ id: CannedResponseID) async throws(StoreError) -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM canned_responses WHERE id = ?", arguments: [id.rawValue])
            return db.changesCount > 0
        }
    }

    /// Runs `body`, turning the shortcut's unique constraint into a conflict that names it.
    private static func unique(_ shortcut: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.conflict("the shortcut '\(shortcut)' is already taken")
        }
    }

    private static func canned(_ db: Database, _ id: CannedResponseID) throws -> CannedResponse? {
        try Row.fetchOne(db, sql: "SELECT \(cannedFields) FROM canned_responses WHERE id = ?", arguments: [id.rawValue]).map(canned)
    }

    private static func canned(_ row: Row) -> CannedResponse {
        CannedResponse(
            id: CannedResponseID(row[0]), shortcut: row[1], title: row[2], text: row[3], team: (row[4] as Int64?).map(TeamID.init),
            createdAt: Date(timeIntervalSince1970: row[5]), updatedAt: Date(timeIntervalSince1970: row[6])
        )
    }
}
