import ParleyCore

/// `application/x-www-form-urlencoded`, the body of every Twilio webhook and API call: parsed
/// into name/value pairs in order with repeated names kept (the signature covers every one),
/// and encoded for the requests Parley makes.
enum TwilioForm {
    struct Malformed: Error, Equatable {
        var reason: String
    }

    /// The pairs of `body` in order. `+` is a space and `%XX` a byte; the decoded bytes must be
    /// UTF-8. A pair without `=` is a name with an empty value.
    static func parse(_ body: [UInt8]) -> Result<[(name: String, value: String)], Malformed> {
        var pairs: [(name: String, value: String)] = []
        for piece in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = piece.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else {
                return .failure(Malformed(reason: "the form field '\(String(decoding: parts[0].prefix(40), as: UTF8.self))' is not valid percent-encoded UTF-8"))
            }
            guard !name.isEmpty else { return .failure(Malformed(reason: "the form has a field without a name")) }
            let value = parts.count > 1 ? decode(parts[1]) : ""
            guard let value else { return .failure(Malformed(reason: "the value of form field '\(name.prefix(40))' is not valid percent-encoded UTF-8")) }
            pairs.append((name, value))
        }
        return .success(pairs)
    }

    /// `name=value&…` with everything but RFC 3986's unreserved characters percent-encoded.
    static func encode(_ pairs: [(name: String, value: String)]) -> [UInt8] {
        var output: [UInt8] = []
        for (index, pair) in pairs.enumerated() {
            if index > 0 { output.append(UInt8(ascii: "&")) }
            output.append(contentsOf: escape(pair.name).utf8)
            output.append(UInt8(ascii: "="))
            output.append(contentsOf: escape(pair.value).utf8)
        }
        return output
    }

    /// Percent-encodes every byte outside `A–Z a–z 0–9 - . _ ~`.
    static func escape(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else {
                output.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                output.append(0x20)
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.endIndex, let high = HexDigit.value(bytes[index + 1]), let low = HexDigit.value(bytes[index + 2])
                else { return nil }
                output.append(high << 4 | low)
                index += 3
            default:
                output.append(byte)
                index += 1
            }
        }
        // Invalid UTF-8 would be repaired with U+FFFD; a round trip that changes the bytes says so.
        let text = String(decoding: output, as: UTF8.self)
        return text.utf8.elementsEqual(output) ? text : nil
    }
}
