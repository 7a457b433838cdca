import Crypto
import ParleyCore
import Synchronization

/// Signs visitor tokens and verifies them, remembering the ones it has verified.
///
/// Every visitor message carries its token, and checking the HMAC afresh (a key schedule, two
/// SHA-256 passes, a base64 encoding) was one of the larger costs of a web-chat message. A token
/// that verified once verifies forever under the same secret, and a book lives exactly as long
/// as its connector, which is rebuilt whenever the channel's credentials change: so a remembered
/// token is as good as a re-checked one. Only tokens that verified are remembered, and at most
/// `capacity` of them; when the book is full it starts over rather than tracking recency, since
/// a forgotten token only costs one more HMAC.
final class VisitorTokenBook: Sendable {
    static let capacity = 65_536
    private let secret: [UInt8]
    private let verified = Mutex<[String: String]>([:])

    init(secret: [UInt8]) {
        self.secret = secret
    }

    func token(forVisitor visitorID: String) -> String {
        "v1.\(visitorID).\(signature(for: visitorID))"
    }

    /// The visitor id a genuine `v1.<visitorId>.<signature>` token names; `nil` for anything else.
    func visitorID(fromToken token: String) -> String? {
        if let known = verified.withLock({ $0[token] }) { return known }
        guard let (visitorID, signature) = Self.claims(of: token),
              ConstantTime.equals(Array(signature.utf8), Array(self.signature(for: visitorID).utf8))
        else { return nil }
        verified.withLock { book in
            if book.count >= Self.capacity { book.removeAll(keepingCapacity: true) }
            book[token] = visitorID
        }
        return visitorID
    }

    /// The visitor id and signature a well-formed token claims, unverified.
    private static func claims(of token: String) -> (visitorID: String, signature: Substring)? {
        guard token.hasPrefix("v1.") else { return nil }
        let rest = token.utf8.dropFirst(3)
        guard let dot = rest.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let visitorID = Substring(rest[..<dot])
        let signature = Substring(rest[rest.index(after: dot)...])
        guard !visitorID.isEmpty, visitorID.utf8.count <= 64, !signature.utf8.contains(UInt8(ascii: ".")) else { return nil }
        return (String(visitorID), signature)
    }

    private func signature(for visitorID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("v1.\(visitorID)".utf8), using: SymmetricKey(data: secret))
        return Base64URL.encode(Array(mac))
    }
}
