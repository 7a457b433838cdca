import Foundation

/// The Content-Transfer-Encoding of a text body. SMTP without 8BITMIME carries 7-bit lines of at
/// most 998 octets, so UTF-8 text is encoded either way; lines stay within 76 characters
/// (RFC 2045 §6.7 and §6.8).
enum BodyEncoding: String, Equatable {
    /// Mostly-ASCII text stays readable in the raw message and in spam filters' eyes.
    case quotedPrintable = "quoted-printable"
    /// Mostly non-ASCII text (Chinese, say): 4/3 the size instead of 3 times with =XX escapes.
    case base64

    /// Base64 once more than a fifth of the bytes are outside ASCII.
    static func choose(for body: [UInt8]) -> BodyEncoding {
        let nonASCII = body.lazy.filter { $0 >= 0x80 }.count
        return nonASCII * 5 > body.count ? .base64 : .quotedPrintable
    }

    /// Any mix of LF, CRLF and CR becomes CRLF, with one CRLF at the end.
    static func canonicalLines(_ text: String) -> [[UInt8]] {
        var lines: [[UInt8]] = [[]]
        var previousWasCR = false
        for byte in text.utf8 {
            switch byte {
            case 0x0D:
                lines.append([])
            case 0x0A:
                if !previousWasCR { lines.append([]) }
            default:
                lines[lines.count - 1].append(byte)
            }
            previousWasCR = byte == 0x0D
        }
        if lines.count > 1, lines.last!.isEmpty { lines.removeLast() }
        return lines
    }

    /// The encoded body, CRLF line endings, ending with CRLF.
    func encode(_ text: String) -> String {
        let lines = Self.canonicalLines(text)
        switch self {
        case .base64:
            let joined = Array(lines.map { $0 + [0x0D, 0x0A] }.joined())
            return Data(joined).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + "\r\n"
        case .quotedPrintable:
            return lines.map(Self.quotedPrintableLine).joined(separator: "\r\n") + "\r\n"
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// One text line as quoted-printable, with soft line breaks (`=` CRLF) keeping every encoded
    /// line at most 76 characters including the `=`, never splitting an `=XX`.
    static func quotedPrintableLine(_ line: [UInt8]) -> String {
        var tokens: [String] = []
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            // A space or tab at the end of a line would be stripped in transit (§6.7 rule 3).
            let literal = (33...126).contains(byte) && byte != UInt8(ascii: "=") || ((byte == 0x20 || byte == 0x09) && !isLast)
            tokens.append(literal ? String(UnicodeScalar(byte)) : "=" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self))
        }
        var output = ""
        var length = 0
        for (index, token) in tokens.enumerated() {
            // The last token may fill the line to 76; any other must leave room for the soft break's "=".
            let limit = index == tokens.count - 1 ? 76 : 75
            if length + token.count > limit {
                output += "=\r\n"
                length = 0
            }
            output += token
            length += token.count
        }
        return output
    }
}
