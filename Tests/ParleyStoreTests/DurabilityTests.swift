import Foundation
import GRDB
import ParleyStore
import Testing

@Suite("Durability settings")
struct DurabilityTests {
    /// Group commit answers a batch's callers as soon as its transaction returns, so the writer
    /// connection, which runs every write, must be syncing the log on each commit.
    @Test func theWriterSyncsEveryCommit() throws {
        let (pool, directory) = try ParleyDatabase.temporary()
        defer { try? FileManager.default.removeItem(at: directory) }
        let level = try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(level == ParleyDatabase.fullSynchronous)
        let journal = try pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }
}
