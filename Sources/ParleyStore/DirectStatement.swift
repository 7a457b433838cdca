import GRDB
import GRDBSQLite

/// A cached statement bound, stepped and read through SQLite's C API. Ingest runs a handful of
/// statements per message on the one writer, and GRDB's conveniences cost it more than SQLite's
/// own work for them: a `Row` builds a lowercased column-name dictionary on every fetch, and
/// `StatementArguments` boxes every value. Values are bound in the order of the SQL's `?`s.
///
/// The statement is reset when it is made and by every way out of `execute` and `first`, so it
/// goes back into GRDB's cache as GRDB expects to find it.
struct DirectStatement {
    private let handle: SQLiteStatement
    private let database: Database
    private var nextIndex: Int32 = 1

    init(_ db: Database, sql: String) throws {
        handle = try db.cachedStatement(sql: sql).sqliteStatement
        database = db
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    mutating func bind(_ value: Int64?) {
        defer { nextIndex += 1 }
        guard let value else { sqlite3_bind_null(handle, nextIndex); return }
        sqlite3_bind_int64(handle, nextIndex, value)
    }

    mutating func bind(_ value: Int?) {
        bind(value.map(Int64.init))
    }

    mutating func bind(_ value: Double?) {
        defer { nextIndex += 1 }
        guard let value else { sqlite3_bind_null(handle, nextIndex); return }
        sqlite3_bind_double(handle, nextIndex, value)
    }

    mutating func bind(_ value: String?) {
        defer { nextIndex += 1 }
        guard let value else { sqlite3_bind_null(handle, nextIndex); return }
        // SQLITE_TRANSIENT: SQLite copies the bytes, which live only as long as this call. The
        // length is given, so text holding U+0000 is stored whole.
        let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
        let index = nextIndex
        var text = value
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                // A NULL pointer would bind NULL, not the empty string.
                if let start = chars.baseAddress, !chars.isEmpty {
                    _ = sqlite3_bind_text(handle, index, start, Int32(chars.count), transient)
                } else {
                    _ = sqlite3_bind_text(handle, index, "", 0, transient)
                }
            }
        }
    }

    /// Runs a statement that returns no rows.
    func execute() throws {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw error(code) }
    }

    /// Reads the first row with `read`, or returns `nil` when there is none.
    func first<T>(_ read: (DirectRow) throws -> T) throws -> T? {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return try read(DirectRow(handle: handle))
        case SQLITE_DONE: return nil
        default: throw error(code)
        }
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code),
            message: String(cString: sqlite3_errmsg(database.sqliteConnection)),
            sql: String(cString: sqlite3_sql(handle))
        )
    }
}

/// The current row of a `DirectStatement`, valid only inside its `first` call.
struct DirectRow: ColumnReader {
    fileprivate let handle: SQLiteStatement

    func isNull(_ index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    func int64(_ index: Int) -> Int64 {
        sqlite3_column_int64(handle, Int32(index))
    }

    func double(_ index: Int) -> Double {
        sqlite3_column_double(handle, Int32(index))
    }

    func text(_ index: Int) -> String {
        guard let bytes = sqlite3_column_text(handle, Int32(index)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
}
