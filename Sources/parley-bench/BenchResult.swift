import Foundation

/// A benchmark's figures, printed as one `RESULT {json}` line that scripts (and farm-bench runs)
/// parse, beside the table people read.
protocol BenchResult: Encodable {}

extension BenchResult {
    func resultLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "RESULT " + json
    }
}
