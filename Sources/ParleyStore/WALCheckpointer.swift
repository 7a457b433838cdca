import GRDB

/// Copies the write-ahead log back into the database file on its own connection, so the
/// ingest writer never stops to do it. SQLite's automatic checkpoint runs inside the commit
/// that crosses the threshold: under webhook load that commit (and every request waiting on
/// it) stalled for a whole checkpoint's writes and fsync. A passive checkpoint here copies
/// what it can without taking the write lock and never blocks the writer.
public struct WALCheckpointer: Sendable {
    private let connection: DatabaseQueue

    init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// One passive checkpoint; returns when the copied pages are synced to the database file.
    /// Returns `false`, without error, when another connection was checkpointing at that moment
    /// (SQLite answers BUSY rather than waiting): the next round catches up.
    @discardableResult
    public func checkpoint() async throws -> Bool {
        do {
            _ = try await connection.writeWithoutTransaction { db in
                try db.checkpoint(.passive)
            }
            return true
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            return false
        }
    }
}

extension SQLiteStore {
    /// A second connection to this database that only checkpoints its log.
    public func makeCheckpointer() throws -> WALCheckpointer {
        try WALCheckpointer(path: pool.path)
    }
}
