/// Writes a Swift string as a JSON string literal (RFC 8259 §7). Used on hot paths where a
/// whole `JSONEncoder` per message costs more than the work it does.
public enum JSONText {
    public static func quoted(_ text: String) -> String {
        // Most texts need no escape at all: one scan of the bytes, then a single copy.
        if !needsEscaping(text.utf8) { return "\"" + text + "\"" }
        var output = "\""
        output.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}", "\u{2028}", "\u{2029}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
        return output
    }

    /// Whether any byte starts something `quoted` must escape: `"`, `\`, a control character,
    /// or U+2028/U+2029 (UTF-8 `E2 80 A8`/`A9`), which JavaScript reads as line breaks.
    private static func needsEscaping(_ utf8: String.UTF8View) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in utf8 {
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
            if (byte == 0xA8 || byte == 0xA9), previous == (0xE2, 0x80) { return true }
            previous = (previous.1, byte)
        }
        return false
    }
}
