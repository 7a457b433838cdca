import Crypto
import Foundation

/// How a delivery is signed, exactly as docs/openapi.yaml and the README tell receivers to check
/// it: `X-Parley-Signature: sha256=<lowercase hex HMAC-SHA256(key, "<timestamp>.<body>")>`, the
/// key being the subscription's secret string as UTF-8 (its 64 characters, not the bytes they
/// spell) and the timestamp the decimal `X-Parley-Timestamp` of the same attempt. Covering the
/// timestamp lets a receiver refuse replays of an old, captured request.
public enum WebhookSignature {
    public static func header(secret: String, timestamp: Int, body: [UInt8]) -> String {
        let signed = Array("\(timestamp).".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
