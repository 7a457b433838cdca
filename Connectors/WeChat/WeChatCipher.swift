import _CryptoExtras
import Crypto
import Foundation

/// Safe-mode message encryption (CHANNELS.md §1.2): AES-256-CBC with the key's first 16 bytes
/// as IV, over `random(16) ‖ length (4 bytes, big-endian) ‖ message ‖ AppID`, padded PKCS#7
/// to 32-byte blocks, base64 on the wire.
public struct WeChatCipher: Sendable {
    public enum CipherError: Error, Equatable, CustomStringConvertible {
        case invalidKey
        case notBase64
        case undecryptable
        case malformedPlaintext
        case wrongAppID(found: String)

        public var description: String {
            switch self {
            case .invalidKey: "encodingAESKey must be the 43 characters shown in the WeChat console"
            case .notBase64: "the Encrypt value is not base64"
            case .undecryptable: "the Encrypt value does not decrypt with this channel's encodingAESKey"
            case .malformedPlaintext: "the decrypted message has an invalid length or padding"
            case .wrongAppID(let found): "the message was encrypted for AppID '\(found)', not this channel's"
            }
        }
    }

    private static let blockSize = 32
    /// Bytes rather than a `SymmetricKey`, which is not `Sendable` in this swift-crypto.
    private let key: [UInt8]
    private let iv: AES._CBC.IV
    private let appID: String

    public init(encodingAESKey: String, appID: String) throws(CipherError) {
        guard encodingAESKey.utf8.count == 43,
              let keyBytes = Data(base64Encoded: encodingAESKey + "="), keyBytes.count == 32,
              let iv = try? AES._CBC.IV(ivBytes: keyBytes.prefix(16))
        else { throw .invalidKey }
        self.key = Array(keyBytes)
        self.iv = iv
        self.appID = appID
    }

    /// Decrypts an `Encrypt` value and checks it was meant for this AppID.
    public func decrypt(_ encrypted: String) throws(CipherError) -> [UInt8] {
        guard let ciphertext = Data(base64Encoded: encrypted), !ciphertext.isEmpty, ciphertext.count % 16 == 0 else {
            throw .notBase64
        }
        let padded: [UInt8]
        do {
            padded = Array(try AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: key), iv: iv, noPadding: true))
        } catch {
            throw .undecryptable
        }
        guard let pad = padded.last, (1...Self.blockSize).contains(Int(pad)), Int(pad) <= padded.count else {
            throw .malformedPlaintext
        }
        let plain = padded.dropLast(Int(pad))
        guard plain.count >= 20 else { throw .malformedPlaintext }
        let lengthBytes = plain[plain.startIndex + 16..<plain.startIndex + 20]
        let length = lengthBytes.reduce(0) { ($0 << 8) | Int($1) }
        let messageStart = plain.startIndex + 20
        guard length <= plain.count - 20 else { throw .malformedPlaintext }
        let message = Array(plain[messageStart..<messageStart + length])
        let receiver = String(decoding: plain[(messageStart + length)...], as: UTF8.self)
        guard receiver == appID else { throw .wrongAppID(found: receiver) }
        return message
    }

    /// Encrypts a reply; `prefix` is the 16 random bytes (fixed only by tests).
    public func encrypt(_ message: [UInt8], prefix: [UInt8]? = nil) -> String {
        var plain = prefix ?? (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        let length = UInt32(message.count)
        plain += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        plain += message
        plain += Array(appID.utf8)
        let pad = Self.blockSize - plain.count % Self.blockSize
        plain += Array(repeating: UInt8(pad), count: pad)
        // The plaintext is block-aligned by construction, so encryption cannot fail.
        let ciphertext = (try? AES._CBC.encrypt(plain, using: SymmetricKey(data: key), iv: iv, noPadding: true)) ?? Data()
        return ciphertext.base64EncodedString()
    }
}
