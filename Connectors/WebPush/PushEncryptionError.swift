/// Why a payload could not be encrypted for a subscription.
public enum PushEncryptionError: Error, Equatable, CustomStringConvertible {
    /// More than one 4096-byte record can hold; push services need not accept more (RFC 8291 §4).
    case payloadTooLarge(bytes: Int, limit: Int)
    /// The subscription's `p256dh` has the right length but is not a point on P-256.
    case publicKeyNotOnCurve
    /// The crypto library refused an operation it should not refuse.
    case cryptoFailure(String)

    public var description: String {
        switch self {
        case .payloadTooLarge(let bytes, let limit):
            "the push payload is \(bytes) bytes (with padding); Web Push carries at most \(limit)"
        case .publicKeyNotOnCurve:
            "the subscription's keys.p256dh is not a point on P-256; the browser must subscribe again"
        case .cryptoFailure(let detail):
            "encrypting the push payload failed: \(detail)"
        }
    }
}
