import Foundation

/// Reads the small subset of TOML that `config/parley.toml` uses: `[section]` headers and
/// `key = "string" | number | true/false` lines, with `#` comments. Keys come back as
/// `section.key`. Anything else is refused with its line number, never guessed at.
struct ConfigFile {
    struct ParseError: Error, CustomStringConvertible {
        let path: String
        let line: Int
        let reason: String
        var description: String { "\(path):\(line): \(reason)" }
    }

    let values: [String: String]

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ParseError(path: path, line: 0, reason: "cannot read the file")
        }
        var values: [String: String] = [:]
        var section = ""
        for (index, rawLine) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Self.stripComment(String(rawLine)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw ParseError(path: path, line: index + 1, reason: "a section header looks like [name]")
                }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(path: path, line: index + 1, reason: "expected key = value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else {
                    throw ParseError(path: path, line: index + 1, reason: "unterminated string for \(key)")
                }
                value = String(value.dropFirst().dropLast())
            }
            values[section.isEmpty ? key : "\(section).\(key)"] = value
        }
        self.values = values
    }

    /// Drops a `#` comment that is not inside a string.
    private static func stripComment(_ line: String) -> String {
        var inString = false
        for (offset, character) in line.enumerated() {
            if character == "\"" { inString.toggle() }
            if character == "#", !inString { return String(line.prefix(offset)) }
        }
        return line
    }
}
