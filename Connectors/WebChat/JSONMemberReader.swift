import ParleyCore

/// Reads the members of one JSON object (RFC 8259) straight from its bytes: string members are
/// returned, every other value is checked and skipped. It exists for the visitor's message body,
/// which is tiny and arrives with every web-chat message, where a whole `JSONDecoder` (containers,
/// coding paths, `Data`) cost more than the rest of decoding it.
struct JSONMemberReader {
    /// What is wrong with a body, worded for the visitor's 400.
    enum Failure: Error, Equatable {
        case malformed(String)
        case notAString(member: String)
    }

    /// A member's value as far as the caller cares: a string, `null`, or anything else.
    enum Value: Equatable {
        case string(String)
        case null
        case other
    }

    private static let maximumDepth = 64
    private let bytes: [UInt8]
    private var index = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Every member of the top-level object, in order (a repeated name appears twice).
    static func members(of bytes: [UInt8]) throws(Failure) -> [(name: String, value: Value)] {
        var reader = JSONMemberReader(bytes)
        reader.skipWhitespace()
        guard reader.peek == UInt8(ascii: "{") else { throw reader.unexpected("'{'") }
        var members: [(name: String, value: Value)] = []
        try reader.container(closing: UInt8(ascii: "}"), named: true, depth: 0) { members.append(($0, $1)) }
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw reader.unexpected("the end of the body") }
        return members
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        guard peek == byte else { throw unexpected("'\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    private func unexpected(_ wanted: String) -> Failure {
        guard let byte = peek else { return .malformed("the body is not valid JSON (it ends where \(wanted) should follow)") }
        let found = (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return .malformed("the body is not valid JSON (\(found) at offset \(index) where \(wanted) should be)")
    }

    private mutating func value(depth: Int) throws(Failure) -> Value {
        guard depth <= Self.maximumDepth else { throw .malformed("the body is not valid JSON (nested deeper than \(Self.maximumDepth) levels)") }
        switch peek {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "{"): try container(closing: UInt8(ascii: "}"), named: true, depth: depth)
        case UInt8(ascii: "["): try container(closing: UInt8(ascii: "]"), named: false, depth: depth)
        default: try number()
        }
        return .other
    }

    /// An object or array starting at its opening bracket, each member's name (empty in an
    /// array) and value handed to `member`.
    private mutating func container(
        closing: UInt8, named: Bool, depth: Int, member: (String, Value) -> Void = { _, _ in }
    ) throws(Failure) {
        index += 1
        skipWhitespace()
        if peek == closing {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            var name = ""
            if named {
                guard peek == UInt8(ascii: "\"") else { throw unexpected("a member name") }
                name = try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
            }
            member(name, try value(depth: depth + 1))
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(closing)
            return
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              word.withUTF8Buffer({ expected in bytes[index..<index + count].elementsEqual(expected) })
        else { throw unexpected("a value") }
        index += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, checked and skipped.
    private mutating func number() throws(Failure) {
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, isDigit(first) else { throw unexpected("a value") }
        index += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard let digit = peek, isDigit(digit) else { throw unexpected("a digit") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek, isDigit(digit) else { throw unexpected("a digit") }
            skipDigits()
        }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let byte = peek, isDigit(byte) { index += 1 }
    }

    /// A string starting at the opening quote. Texts without escapes, the usual case, are
    /// validated and copied in one step.
    private mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw unexpected("an escaped control character") }
            index += 1
        }
        guard let stop = peek else { throw unexpected("the closing '\"'") }
        var utf8 = Array(bytes[start..<index])
        if stop == UInt8(ascii: "\\") { try unescape(into: &utf8) }
        index += 1
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw .malformed("the body is not valid JSON (a string that is not UTF-8 ends at offset \(index - 1))")
        }
        return text
    }

    /// Continues a string from its first backslash up to (not past) the closing quote.
    private mutating func unescape(into utf8: inout [UInt8]) throws(Failure) {
        while let byte = peek, byte != UInt8(ascii: "\"") {
            guard byte >= 0x20 else { throw unexpected("an escaped control character") }
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                utf8.append(byte)
                continue
            }
            guard let escape = peek else { break }
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"): utf8.append(contentsOf: try escapedScalar().utf8)
            default:
                index -= 1
                throw unexpected("an escape (one of \" \\ / b f n r t u)")
            }
        }
        guard peek != nil else { throw unexpected("the closing '\"'") }
    }

    /// The scalar of a `\uXXXX` escape (after the `u`), joining a UTF-16 surrogate pair.
    private mutating func escapedScalar() throws(Failure) -> String {
        let unit = try hexUnit()
        switch unit {
        case 0xD800...0xDBFF:
            guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                throw .malformed("the body is not valid JSON (a lone UTF-16 surrogate before offset \(index))")
            }
            index += 2
            let low = try hexUnit()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw .malformed("the body is not valid JSON (a lone UTF-16 surrogate before offset \(index))")
            }
            let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            return Unicode.Scalar(value).map(String.init) ?? "\u{FFFD}"
        case 0xDC00...0xDFFF:
            throw .malformed("the body is not valid JSON (a lone UTF-16 surrogate before offset \(index))")
        default:
            return Unicode.Scalar(unit).map(String.init) ?? "\u{FFFD}"
        }
    }

    private mutating func hexUnit() throws(Failure) -> UInt16 {
        var unit: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = peek, let digit = HexDigit.value(byte) else { throw unexpected("a hex digit") }
            unit = unit << 4 | UInt16(digit)
            index += 1
        }
        return unit
    }
}
