import GRDB

/// Reads a result row's columns by position, from a GRDB `Row` or straight from SQLite
/// (`DirectRow`), so one decoder serves both.
protocol ColumnReader {
    func isNull(_ index: Int) -> Bool
    func int64(_ index: Int) -> Int64
    func double(_ index: Int) -> Double
    func text(_ index: Int) -> String
}

extension ColumnReader {
    func optionalInt64(_ index: Int) -> Int64? {
        isNull(index) ? nil : int64(index)
    }

    func optionalDouble(_ index: Int) -> Double? {
        isNull(index) ? nil : double(index)
    }

    func optionalText(_ index: Int) -> String? {
        isNull(index) ? nil : text(index)
    }
}

extension Row: ColumnReader {
    func isNull(_ index: Int) -> Bool { hasNull(atIndex: index) }
    func int64(_ index: Int) -> Int64 { self[index] }
    func double(_ index: Int) -> Double { self[index] }
    func text(_ index: Int) -> String { self[index] }
}
