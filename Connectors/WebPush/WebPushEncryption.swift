import Crypto
import Foundation
import ParleyCore

/// Encrypts a push message for one browser: RFC 8291 (Message Encryption for Web Push) over the
/// `aes128gcm` content coding of RFC 8188, as one record. The push service in the middle sees
/// only ciphertext; the browser derives the same key from its private key, the `auth` secret
/// and the sender's one-time public key, which travels in the header.
public enum WebPushEncryption {
    /// The record size written in the header. RFC 8291 §4 has the whole body fit 4096 bytes,
    /// which one record of this size always does.
    public static let recordSize = 4096
    /// salt (16) || rs (4) || idlen (1) || keyid: the sender's public key (65).
    public static let headerLength = 86
    /// 4096 − 86 header − 16 AES-GCM tag − 1 delimiter (RFC 8291 §4).
    public static let maximumPlaintextLength = 3993

    /// The body to POST, with a fresh salt and a fresh sender key pair. Both must be new for
    /// every message: a repeated pair repeats the AES-GCM key and nonce, which breaks GCM outright.
    /// - Parameter padding: zero bytes added after the delimiter to hide the payload's length.
    public static func encrypt(_ plaintext: [UInt8], for subscription: PushSubscription, padding: Int = 0) throws(PushEncryptionError) -> [UInt8] {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        return try encrypt(
            plaintext, receiverPublicKey: subscription.p256dh, authSecret: subscription.auth,
            salt: salt, senderKey: P256.KeyAgreement.PrivateKey(), padding: padding
        )
    }

    /// The same with the salt and sender key given, so tests can reproduce RFC 8291's example.
    static func encrypt(
        _ plaintext: [UInt8], receiverPublicKey: [UInt8], authSecret: [UInt8], salt: [UInt8],
        senderKey: P256.KeyAgreement.PrivateKey, padding: Int = 0
    ) throws(PushEncryptionError) -> [UInt8] {
        precondition(salt.count == 16, "RFC 8188 §2.1: the salt is 16 bytes")
        let padding = max(0, padding)
        guard plaintext.count + padding <= maximumPlaintextLength else {
            throw .payloadTooLarge(bytes: plaintext.count + padding, limit: maximumPlaintextLength)
        }
        let senderPublicKey = Array(senderKey.publicKey.x963Representation)
        let keys = try deriveKeys(
            senderKey: senderKey, receiverPublicKey: receiverPublicKey, authSecret: authSecret, salt: salt
        )
        // RFC 8188 §2: the last (here, only) record ends with the delimiter 0x02, then padding.
        let record = plaintext + [0x02] + [UInt8](repeating: 0, count: padding)
        let sealed: AES.GCM.SealedBox
        do {
            sealed = try AES.GCM.seal(record, using: SymmetricKey(data: keys.contentEncryptionKey), nonce: AES.GCM.Nonce(data: keys.nonce))
        } catch {
            throw .cryptoFailure("\(error)")
        }
        var body = salt
        body.reserveCapacity(headerLength + record.count + 16)
        withUnsafeBytes(of: UInt32(recordSize).bigEndian) { body.append(contentsOf: $0) }
        body.append(UInt8(senderPublicKey.count))
        body.append(contentsOf: senderPublicKey)
        body.append(contentsOf: sealed.ciphertext)
        body.append(contentsOf: sealed.tag)
        return body
    }

    /// The values RFC 8291 §3.3–3.4 derive, kept apart so tests can hold each to Appendix A.
    struct DerivedKeys: Equatable {
        var ecdhSecret: [UInt8]
        var ikm: [UInt8]
        var prk: [UInt8]
        var contentEncryptionKey: [UInt8]
        var nonce: [UInt8]
    }

    /// RFC 8291 §3.4:
    /// `PRK_key = HKDF-Extract(auth_secret, ecdh_secret)`,
    /// `IKM = HKDF-Expand(PRK_key, "WebPush: info" || 0x00 || ua_public || as_public, 32)`,
    /// then RFC 8188 §2.2–2.3: `PRK = HKDF-Extract(salt, IKM)`,
    /// `CEK = HKDF-Expand(PRK, "Content-Encoding: aes128gcm" || 0x00, 16)`,
    /// `NONCE = HKDF-Expand(PRK, "Content-Encoding: nonce" || 0x00, 12)` (one record: sequence 0).
    static func deriveKeys(
        senderKey: P256.KeyAgreement.PrivateKey, receiverPublicKey: [UInt8], authSecret: [UInt8], salt: [UInt8]
    ) throws(PushEncryptionError) -> DerivedKeys {
        let receiver: P256.KeyAgreement.PublicKey
        do {
            receiver = try P256.KeyAgreement.PublicKey(x963Representation: receiverPublicKey)
        } catch {
            throw .publicKeyNotOnCurve
        }
        let shared: SharedSecret
        do {
            shared = try senderKey.sharedSecretFromKeyAgreement(with: receiver)
        } catch {
            throw .cryptoFailure("\(error)")
        }
        // The raw x coordinate: RFC 8291 feeds it to HKDF as is, not through an ANSI X9.63 KDF.
        let ecdhSecret = shared.withUnsafeBytes { Array($0) }
        let senderPublicKey = Array(senderKey.publicKey.x963Representation)
        let keyInfo = Array("WebPush: info".utf8) + [0x00] + receiverPublicKey + senderPublicKey
        let prkKey = HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: ecdhSecret), salt: authSecret)
        let ikm = bytes(HKDF<SHA256>.expand(pseudoRandomKey: prkKey, info: keyInfo, outputByteCount: 32))
        let prk = HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: ikm), salt: salt)
        let cek = HKDF<SHA256>.expand(pseudoRandomKey: prk, info: Array("Content-Encoding: aes128gcm".utf8) + [0x00], outputByteCount: 16)
        let nonce = HKDF<SHA256>.expand(pseudoRandomKey: prk, info: Array("Content-Encoding: nonce".utf8) + [0x00], outputByteCount: 12)
        return DerivedKeys(ecdhSecret: ecdhSecret, ikm: ikm, prk: Array(prk), contentEncryptionKey: bytes(cek), nonce: bytes(nonce))
    }

    private static func bytes(_ key: SymmetricKey) -> [UInt8] {
        key.withUnsafeBytes { Array($0) }
    }
}
