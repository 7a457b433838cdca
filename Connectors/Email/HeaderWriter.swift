import Foundation
import ParleyCore

/// Writes RFC 5322 header fields, folded so lines stay within 78 characters where the content
/// allows (§2.1.1), with non-ASCII text as RFC 2047 encoded words. Every value passes through
/// `checkedValue` first, which refuses CR and LF: the one way a value could end its field early
/// and add headers of its own (header injection).
struct HeaderWriter {
    private(set) var text = ""

    static let lineLimit = 78

    /// RFC 2047 §2 caps an encoded word at 75 characters and lines holding them at 76. 36 bytes
    /// of UTF-8 become 48 base64 characters, a 60-character word: "Reply-To: " plus one word
    /// stays under 76, and a word never splits a character (§5: each word stands alone).
    static let encodedWordBytes = 36

    /// Fields the composer writes itself; an extra header may not repeat them (two From or two
    /// Content-Type fields would leave readers to guess which one counts). Bcc would leak.
    static let reservedNames: Set<String> = [
        "from", "to", "cc", "bcc", "reply-to", "sender", "subject", "date", "message-id",
        "mime-version", "content-type", "content-transfer-encoding",
    ]

    /// A field whose value is known ASCII without line breaks (Date, MIME-Version, ...).
    mutating func plain(_ name: String, _ value: String) {
        text += "\(name): \(value)\r\n"
    }

    /// An unstructured field (Subject, extra headers): folded at spaces, or encoded words when
    /// the value is not plain printable ASCII.
    mutating func unstructured(_ name: String, _ value: String) throws(MailError) {
        let value = try Self.checkedValue(value, field: name)
        if Self.needsEncoding(value) {
            fold(name, Self.encodedWords(value))
        } else {
            fold(name, value.split(separator: " ", omittingEmptySubsequences: false).map(String.init))
        }
    }

    /// An address list (From, To, Reply-To): `Name <local@domain>, other@domain, ...`.
    mutating func addresses(_ name: String, _ list: [MailAddress]) throws(MailError) {
        var tokens: [String] = []
        for (index, address) in list.enumerated() {
            let separator = index < list.count - 1 ? "," : ""
            if let displayName = address.name {
                tokens += Self.phrase(try Self.checkedValue(displayName, field: name))
                tokens.append("<\(address.address)>" + separator)
            } else {
                tokens.append(address.address + separator)
            }
        }
        fold(name, tokens)
    }

    /// `Name: t1 t2 ...`, each space between tokens turned into CRLF SP when the line would grow
    /// past 78. A token longer than a line stays whole (it cannot be split without changing it).
    private mutating func fold(_ name: String, _ tokens: [String]) {
        var line = "\(name):"
        var lineHasToken = false
        for token in tokens {
            // Never fold before an empty token (a line of only whitespace is forbidden, §3.2.2)
            // nor before the first token of a line (the fold would gain nothing).
            if lineHasToken, !token.isEmpty, line.utf8.count + 1 + token.utf8.count > Self.lineLimit {
                text += line + "\r\n"
                line = ""
                lineHasToken = false
            }
            line += " " + token
            lineHasToken = lineHasToken || !token.isEmpty
        }
        text += line + "\r\n"
    }

    static func checkedValue(_ value: String, field: String) throws(MailError) -> String {
        if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw .invalidMessage("header \(field) contains a line break (CR or LF), which could inject headers: refused")
        }
        return value
    }

    /// Plain printable ASCII (and spaces) goes as is; anything else, or text that would read as
    /// an encoded word itself, or a word too long for any line, is encoded.
    static func needsEncoding(_ value: String) -> Bool {
        value.unicodeScalars.contains { !(0x20...0x7E).contains($0.value) }
            || value.contains("=?")
            || value.split(separator: " ").contains { $0.utf8.count > 900 }
    }

    /// `=?UTF-8?B?...?=` words of at most `encodedWordBytes` bytes each, split between Unicode scalars.
    static func encodedWords(_ value: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
            chunk.removeAll()
        }
        for scalar in value.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > encodedWordBytes { flush() }
            chunk += bytes
        }
        flush()
        return words
    }

    /// A display name as a phrase (§3.2.5): atoms as they are, a quoted string when it holds
    /// specials such as `,` or `.`, encoded words when it is not ASCII.
    static func phrase(_ name: String) -> [String] {
        if needsEncoding(name) { return encodedWords(name) }
        let atext = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "!#$%&'*+-/=?^_`{|}~ "))
        if name.unicodeScalars.allSatisfy({ $0.isASCII && atext.contains($0) }) {
            return name.split(separator: " ").map(String.init)
        }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return ["\"\(escaped)\""]
    }

    /// A field name is 1 or more printable ASCII characters other than the colon (§3.6.8).
    static func checkedName(_ name: String) throws(MailError) -> String {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ (33...126).contains($0.value) && $0 != ":" }) else {
            throw .invalidMessage("header name '\(name)' is not printable ASCII without a colon: refused")
        }
        guard !reservedNames.contains(name.lowercased()) else {
            throw .invalidMessage("header \(name) is written by the composer and cannot be added as an extra header")
        }
        return name
    }
}
