import Crypto
import Foundation
import ParleyCore

/// The application server's VAPID identity key (RFC 8292 §3.2): a P-256 key pair. The browser
/// subscribes with the public half (`applicationServerKey`); every push carries a token signed
/// with the private half, and the push service refuses pushes signed by any other key. Losing
/// or replacing it orphans every existing subscription, so it is kept in the secrets vault.
public struct VAPIDKeyPair: Sendable {
    /// Kept as bytes: swift-crypto's key types are not `Sendable`, and the sender is shared
    /// across tasks. Rebuilding the key to sign costs microseconds against a network round trip.
    public let rawPrivateKey: [UInt8]
    /// The public key as a 65-byte uncompressed point (0x04 || x || y).
    public let publicKey: [UInt8]

    init(privateKey: P256.Signing.PrivateKey) {
        rawPrivateKey = Array(privateKey.rawRepresentation)
        publicKey = Array(privateKey.publicKey.x963Representation)
    }

    /// The key for signing; the bytes were a valid scalar when this value was made.
    var privateKey: P256.Signing.PrivateKey {
        get throws { try P256.Signing.PrivateKey(rawRepresentation: rawPrivateKey) }
    }

    /// A fresh key pair, for `parleyd` to create once and store.
    public static func generate() -> VAPIDKeyPair {
        VAPIDKeyPair(privateKey: P256.Signing.PrivateKey())
    }

    /// The 32-byte private scalar, as web-push libraries store it.
    public init(rawPrivateKey: [UInt8]) throws(WebPushConfigurationError) {
        guard rawPrivateKey.count == 32 else {
            throw WebPushConfigurationError("the VAPID private key must be 32 bytes; this one is \(rawPrivateKey.count)")
        }
        guard let key = try? P256.Signing.PrivateKey(rawRepresentation: rawPrivateKey) else {
            throw WebPushConfigurationError("the VAPID private key is not a P-256 private key (zero or beyond the curve order)")
        }
        self.init(privateKey: key)
    }

    /// A private key kept as text: PEM (`-----BEGIN PRIVATE KEY-----` PKCS #8 or
    /// `-----BEGIN EC PRIVATE KEY-----` SEC 1, as openssl writes them), or the base64url of the
    /// 32-byte scalar (what `web-push generate-vapid-keys` prints).
    public init(privateKey text: String) throws(WebPushConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("-----BEGIN") {
            guard let key = try? P256.Signing.PrivateKey(pemRepresentation: trimmed) else {
                throw WebPushConfigurationError("the VAPID private key is PEM but not a P-256 private key")
            }
            self.init(privateKey: key)
        } else {
            guard let raw = Base64URL.decode(trimmed) else {
                throw WebPushConfigurationError("the VAPID private key is neither PEM nor base64url")
            }
            try self.init(rawPrivateKey: raw)
        }
    }

    /// The private scalar as unpadded base64url: one line for the vault.
    public var privateKeyBase64URL: String { Base64URL.encode(rawPrivateKey) }
    /// The private key as PKCS #8 PEM (`-----BEGIN PRIVATE KEY-----`).
    /// (The rebuild cannot fail: the bytes were checked when this value was made.)
    public var privateKeyPEM: String { (try? privateKey.pemRepresentation) ?? "" }
    /// The public key as unpadded base64url: what the page passes to `pushManager.subscribe`
    /// as `applicationServerKey`, and the `k=` of the Authorization header.
    public var applicationServerKey: String { Base64URL.encode(publicKey) }
}
