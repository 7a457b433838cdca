import Crypto
import Foundation
import ParleyCore

/// API tokens are random and shown once; the database keeps only their SHA-256.
public enum TokenDigest {
    public static func newToken() -> String {
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max) }
        return "pat_" + Base64URL.encode(bytes)
    }

    public static func digest(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }
}
