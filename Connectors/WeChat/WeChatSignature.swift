import Crypto
import ParleyCore

/// WeChat's request signatures: SHA-1 over the sorted, concatenated parts, lowercase hex.
/// `signature` covers token, timestamp and nonce; safe mode's `msg_signature` adds the
/// `Encrypt` text (CHANNELS.md §1.1).
public enum WeChatSignature {
    public static func sign(_ parts: [String]) -> String {
        let joined = parts.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.joined()
        return hex(Insecure.SHA1.hash(data: Array(joined.utf8)))
    }

    /// Whether `claimed` is the signature of `parts`, compared in constant time.
    public static func matches(_ claimed: String?, _ parts: [String]) -> Bool {
        guard let claimed else { return false }
        return ConstantTime.equals(Array(claimed.lowercased().utf8), Array(sign(parts).utf8))
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
