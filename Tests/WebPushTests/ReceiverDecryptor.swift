import Crypto
import Foundation

/// The browser's side of RFC 8291 / RFC 8188, for tests only: reads the header, derives the key
/// with plain HMAC-SHA-256 exactly as RFC 8291 §3.4 writes the formulas (not through the HKDF
/// calls the sender uses), opens the single record and strips delimiter and padding.
enum ReceiverDecryptor {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    struct Opened {
        var plaintext: [UInt8]
        var salt: [UInt8]
        var recordSize: Int
        var senderPublicKey: [UInt8]
        var padding: Int
    }

    static func decrypt(_ body: [UInt8], receiver: P256.KeyAgreement.PrivateKey, authSecret: [UInt8]) throws -> Opened {
        guard body.count >= 21 else { throw Failure("shorter than the header") }
        let salt = Array(body[0..<16])
        let recordSize = body[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let idLength = Int(body[20])
        guard body.count >= 21 + idLength + 17 else { throw Failure("no record after the header") }
        let keyID = Array(body[21..<(21 + idLength)])
        let record = Array(body[(21 + idLength)...])
        guard record.count <= recordSize else { throw Failure("more than one record (\(record.count) > rs \(recordSize))") }

        let sender = try P256.KeyAgreement.PublicKey(x963Representation: keyID)
        let ecdhSecret = try receiver.sharedSecretFromKeyAgreement(with: sender).withUnsafeBytes { Array($0) }
        let receiverPublic = Array(receiver.publicKey.x963Representation)
        let keyInfo = Array("WebPush: info".utf8) + [0x00] + receiverPublic + keyID
        let prkKey = hmac(key: authSecret, ecdhSecret)
        let ikm = hmac(key: prkKey, keyInfo + [0x01])
        let prk = hmac(key: salt, ikm)
        let cek = Array(hmac(key: prk, Array("Content-Encoding: aes128gcm".utf8) + [0x00, 0x01]).prefix(16))
        let nonce = Array(hmac(key: prk, Array("Content-Encoding: nonce".utf8) + [0x00, 0x01]).prefix(12))

        let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: record.dropLast(16), tag: record.suffix(16))
        let padded = Array(try AES.GCM.open(box, using: SymmetricKey(data: cek)))
        guard let delimiter = padded.lastIndex(where: { $0 != 0 }) else { throw Failure("all padding") }
        guard padded[delimiter] == 0x02 else { throw Failure("last record delimiter is \(padded[delimiter]), not 2") }
        return Opened(
            plaintext: Array(padded[..<delimiter]), salt: salt, recordSize: recordSize, senderPublicKey: keyID,
            padding: padded.count - delimiter - 1
        )
    }

    private static func hmac(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
