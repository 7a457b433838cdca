import Crypto
import Foundation
import NIOCore

/// An HMAC keyed once per connection, as the platform keys it with the channel's secret (Meta and LINE:
/// SHA-256 over the body; Twilio: SHA-1 over URL and parameters).
///
/// `HMAC.init(key:)` pads the key and hashes both pads; a request copies the keyed value instead
/// (swift-crypto's hash contexts are copy-on-write), so per request only the bytes that change are
/// hashed, once, like the platform would. The signing is deliberately not borrowed from the
/// connectors: a bench sharing the server's code would also share its mistakes.
struct WebhookSigner<H: HashFunction> {
    private var keyed: HMAC<H>

    init(secret: String) {
        keyed = HMAC(key: SymmetricKey(data: Array(secret.utf8)))
    }

    /// Hashes a prefix that every signed message of this connection starts with, once (Twilio's URL
    /// and the parameters that sort before the first one that changes).
    mutating func absorb(prefix: [UInt8]) {
        keyed.update(data: prefix)
    }

    /// The code over the absorbed prefix followed by `buffer`'s readable bytes.
    func code(for buffer: ByteBuffer) -> HashedAuthenticationCode<H> {
        var mac = keyed
        buffer.withUnsafeReadableBytes { mac.update(data: $0) }
        return mac.finalize()
    }
}
