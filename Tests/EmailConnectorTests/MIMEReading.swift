import Foundation

/// Reads back what `MIMEComposer` wrote, independently of it, so tests can check the decoded
/// content as well as the exact bytes: unfolded headers, RFC 2047 words, quoted-printable and base64.
struct ParsedMessage {
    let lines: [String]
    let headers: [(name: String, value: String)]
    let rawBody: String

    init(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw ReadError("no blank line after the headers") }
        lines = text.components(separatedBy: "\r\n")
        var headers: [(String, String)] = []
        for line in text[..<split.lowerBound].components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                headers[headers.count - 1].1 += line  // unfolding removes only the CRLF (RFC 5322 §2.2.3)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst())))
            } else {
                throw ReadError("header line without a colon: \(line)")
            }
        }
        self.headers = headers
        rawBody = String(text[split.upperBound...])
    }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The header with its encoded words decoded (whitespace between two encoded words dropped).
    func decodedHeader(_ name: String) throws -> String? {
        try header(name).map(Self.decodeWords)
    }

    /// The body as the recipient reads it.
    func text() throws -> String {
        switch header("Content-Transfer-Encoding") {
        case "base64":
            guard let data = Data(base64Encoded: rawBody, options: .ignoreUnknownCharacters) else { throw ReadError("bad base64") }
            return String(decoding: data, as: UTF8.self)
        case "quoted-printable":
            return String(decoding: try Self.decodeQuotedPrintable(rawBody), as: UTF8.self)
        case let other:
            throw ReadError("unexpected transfer encoding \(other ?? "none")")
        }
    }

    static func decodeWords(_ value: String) throws -> String {
        let pattern = try NSRegularExpression(pattern: #"=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=(?:\s+(?==\?))?"#)
        var result = ""
        var last = value.startIndex
        for match in pattern.matches(in: value, range: NSRange(value.startIndex..., in: value)) {
            let whole = Range(match.range, in: value)!, payload = Range(match.range(at: 1), in: value)!
            result += value[last..<whole.lowerBound]
            guard let data = Data(base64Encoded: String(value[payload])) else { throw ReadError("bad encoded word") }
            result += String(decoding: data, as: UTF8.self)
            last = whole.upperBound
        }
        return result + value[last...]
    }

    static func decodeQuotedPrintable(_ body: String) throws -> [UInt8] {
        var output: [UInt8] = []
        let bytes = Array(body.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    index += 3  // soft line break
                    continue
                }
                guard index + 2 < bytes.count, let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16) else {
                    throw ReadError("bad =XX at \(index)")
                }
                output.append(value)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    struct ReadError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
