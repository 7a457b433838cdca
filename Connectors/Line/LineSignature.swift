import Crypto
import Foundation
import ParleyCore

/// LINE's webhook signature: `x-line-signature` = Base64(HMAC-SHA256(channel secret, raw body))
/// (CHANNELS.md §5.1).
public enum LineSignature {
    public static func sign(_ body: [UInt8], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return Data(code).base64EncodedString()
    }

    /// Whether `claimed` signs `body`, compared in constant time over the exact bytes received.
    public static func matches(_ claimed: String?, body: [UInt8], secret: String) -> Bool {
        guard let claimed else { return false }
        let trimmed = claimed.trimmingCharacters(in: .whitespaces)
        return ConstantTime.equals(Array(trimmed.utf8), Array(sign(body, secret: secret).utf8))
    }
}
