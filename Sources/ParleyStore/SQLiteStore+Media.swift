import Foundation
import GRDB
import ParleyCore

extension SQLiteStore: MediaDownloadRepository {
    /// Downloaded media lives beside the database, one file per message.
    var mediaDirectory: URL {
        URL(fileURLWithPath: pool.path).deletingLastPathComponent().appendingPathComponent("media", isDirectory: true)
    }

    private func mediaPath(_ id: MessageID) -> URL {
        mediaDirectory.appendingPathComponent(String(id.rawValue))
    }

    public func dueMediaDownloads(now: Date, limit: Int) async throws -> [MediaDownloadJob] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.message_id, d.channel_id, d.attempts, m.content FROM media_downloads d
                    JOIN messages m ON m.id = d.message_id
                    WHERE d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?
                    """,
                arguments: [now.timeIntervalSince1970, limit]
            ).compactMap { row in
                guard let media = Columns.decodeContent(row[3]).media else { return nil }
                return MediaDownloadJob(messageID: MessageID(row[0]), channelID: ChannelID(row[1]), media: media, attempts: row[2])
            }
        }
    }

    public func completeMediaDownload(_ job: MediaDownloadJob, bytes: [UInt8], mimeType: String?, at time: Date) async throws -> Message {
        try FileManager.default.createDirectory(at: mediaDirectory, withIntermediateDirectories: true)
        // Written in full before the message points at it; a crash in between leaves an orphan
        // file that the retried download overwrites, never a message pointing at half a file.
        try Data(bytes).write(to: mediaPath(job.messageID), options: .atomic)
        return try await pool.write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT \(Columns.messageFields) FROM messages WHERE id = ?", arguments: [job.messageID.rawValue]
            ) else { throw StoreError.notFound("message \(job.messageID)") }
            var message = Columns.message(row)
            if var media = message.content.media {
                media.location = MediaReference.stored(for: job.messageID)
                media.mimeType = mimeType ?? media.mimeType
                message.content = message.content.replacingMedia(with: media)
            }
            try db.execute(
                sql: "UPDATE messages SET content = ? WHERE id = ?", arguments: [try Columns.encode(message.content), job.messageID.rawValue]
            )
            try db.execute(
                sql: "UPDATE media_downloads SET state = 'done', attempts = attempts + 1, last_error = NULL WHERE message_id = ?",
                arguments: [job.messageID.rawValue]
            )
            return message
        }
    }

    public func retryMediaDownload(_ job: MediaDownloadJob, at next: Date, error: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE media_downloads SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE message_id = ?",
                arguments: [next.timeIntervalSince1970, error, job.messageID.rawValue]
            )
        }
    }

    public func abandonMediaDownload(_ job: MediaDownloadJob, error: String, at time: Date) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE media_downloads SET state = 'abandoned', attempts = attempts + 1, last_error = ? WHERE message_id = ?",
                arguments: [error, job.messageID.rawValue]
            )
        }
    }

    public func mediaFile(of message: MessageID) async throws -> [UInt8]? {
        let path = mediaPath(message)
        guard FileManager.default.fileExists(atPath: path.path) else { return nil }
        return Array(try Data(contentsOf: path))
    }

    public func message(_ id: MessageID) async throws -> Message? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Columns.messageFields) FROM messages WHERE id = ?", arguments: [id.rawValue])
                .map(Columns.message)
        }
    }
}
