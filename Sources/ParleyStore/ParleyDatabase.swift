import Foundation
import GRDB

/// Opens the SQLite database: WAL journal (readers never block the writer), `synchronous=FULL`
/// so a commit that returned is on disk before any platform is acknowledged, and the numbered
/// migrations applied.
public enum ParleyDatabase {
    public static func open(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // `WALCheckpointer` copies the log back off the writer's path; this bounds the log
            // (128 MiB) when nothing runs one, as in the one-shot CLI commands. Under ingest load the
            // writer reaches it too, and its own checkpoint syncs the database file inside a commit:
            // at 64 MiB that happened about three times a second and set p99 (13–14 ms against 8–9).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 32768")
            // Dedupe and conversation lookups land on random index pages; 64 MiB keeps them in memory.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try requireFullSync(pool)
        try ParleyMigrations.migrator.migrate(pool)
        return pool
    }

    /// The writer must sync the log on every commit. It cannot be set in `prepareDatabase`: the
    /// pool switches the writer to WAL after that hook and sets `synchronous = NORMAL` as it does,
    /// under which a commit returns before the disk has its frames and only a checkpoint syncs.
    /// Read back, so that a library change undoing it again stops the daemon from starting
    /// rather than silently acknowledging messages a power cut would lose.
    private static func requireFullSync(_ pool: DatabasePool) throws {
        let level = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard level == fullSynchronous else {
            throw DatabaseError(message: "the writer connection refused PRAGMA synchronous = FULL (it reports \(level.map(String.init) ?? "nothing"))")
        }
    }

    /// `PRAGMA synchronous`'s numeric value for FULL.
    public static let fullSynchronous = 2

    /// A throwaway database for tests and benchmarks, in a fresh temporary directory.
    public static func temporary() throws -> (pool: DatabasePool, directory: URL) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("parley-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return (try open(path: directory.appendingPathComponent("parley.sqlite").path), directory)
    }
}
