/// Unpadded base64url (RFC 4648 §5), as used in tokens that travel in URLs and headers.
/// Written out because Foundation offers only standard base64, and translating its output
/// character by character on every request showed up in profiles.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Concrete over arrays, like `ConstantTime`: a generic left unspecialized across modules
    /// costs more than the encoding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            output.append(alphabet[Int(first >> 2)])
            output.append(alphabet[Int((first & 0x03) << 4 | (second ?? 0) >> 4)])
            if let second {
                output.append(alphabet[Int((second & 0x0F) << 2 | (third ?? 0) >> 6)])
            }
            if let third {
                output.append(alphabet[Int(third & 0x3F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
