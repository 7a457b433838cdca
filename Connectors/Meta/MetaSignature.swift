import Crypto
import Foundation
import ParleyCore

/// The signature Meta puts on every webhook it posts, for WhatsApp and Messenger alike:
/// `X-Hub-Signature-256: sha256=<lowercase hex HMAC-SHA256(key: App Secret, message: raw body)>`
/// (CHANNELS.md §3.1, §4.1; WhatsApp Node SDK `generateXHub256Sig`).
///
/// Only the SHA-256 header is accepted. Meta still sends the legacy `X-Hub-Signature: sha1=…`
/// beside it; accepting SHA-1 alone would let a weaker signature stand in for the strong one.
public enum MetaSignature {
    public static let header = "X-Hub-Signature-256"
    static let prefix = "sha256="

    /// `sha256=<hex>` for `body`, as Meta would send it.
    public static func sign(_ body: [UInt8], appSecret: String) -> String {
        prefix + hex(mac(body, appSecret: appSecret))
    }

    /// Whether `claimed` (the header's value) signs exactly `body`. The claimed hex is decoded
    /// and the bytes compared in constant time, so upper- or lower-case hex both pass and no
    /// timing tells how much of a forgery was right.
    public static func matches(_ claimed: String?, body: [UInt8], appSecret: String) -> Bool {
        guard let claimed else { return false }
        let trimmed = claimed.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > prefix.count, trimmed.prefix(prefix.count).lowercased() == prefix,
              let claimedBytes = bytes(fromHex: trimmed.dropFirst(prefix.count))
        else { return false }
        return ConstantTime.equals(claimedBytes, mac(body, appSecret: appSecret))
    }

    private static func mac(_ body: [UInt8], appSecret: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(appSecret.utf8))))
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func bytes(fromHex text: Substring) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
