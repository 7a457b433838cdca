import Crypto
import Foundation

/// Seals channel credentials with AES-256-GCM under the master key, so a copy of the database
/// alone reveals no platform secret.
public struct CredentialVault: Sendable {
    public enum VaultError: Error, CustomStringConvertible {
        case badMasterKey(String)
        case cannotOpen

        public var description: String {
            switch self {
            case .badMasterKey(let reason): "the master key is unusable: \(reason)"
            case .cannotOpen: "channel credentials cannot be decrypted: the master key differs from the one that sealed them"
            }
        }
    }

    /// Raw key bytes: `SymmetricKey` is not `Sendable` in this swift-crypto, so the vault keeps
    /// the bytes and builds the key per operation.
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public init(key: SymmetricKey) {
        self.keyBytes = key.withUnsafeBytes { Array($0) }
    }

    /// A key given as base64 of 32 bytes (`PARLEY_MASTER_KEY`).
    public init(base64Key: String) throws(VaultError) {
        guard let data = Data(base64Encoded: base64Key.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
            throw VaultError.badMasterKey("expected base64 of exactly 32 bytes")
        }
        self.keyBytes = Array(data)
    }

    /// Reads the key file, creating it with mode 0600 on first start.
    public static func loadOrCreateKeyFile(at path: String) throws -> CredentialVault {
        let manager = FileManager.default
        if let contents = manager.contents(atPath: path) {
            return try CredentialVault(base64Key: String(decoding: contents, as: UTF8.self))
        }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() }
        guard manager.createFile(atPath: path, contents: Data((encoded + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw VaultError.badMasterKey("cannot create the key file \(path)")
        }
        return CredentialVault(key: key)
    }

    public func seal(_ credentials: [String: String]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = try encoder.encode(credentials)
        guard let combined = try AES.GCM.seal(plain, using: key).combined else {
            throw VaultError.badMasterKey("AES-GCM produced no combined box")
        }
        return Array(combined)
    }

    public func open(_ sealed: [UInt8]) throws(VaultError) -> [String: String] {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let plain = try AES.GCM.open(box, using: key)
            return try JSONDecoder().decode([String: String].self, from: plain)
        } catch {
            throw VaultError.cannotOpen
        }
    }
}
