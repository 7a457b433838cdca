import Crypto
import _CryptoExtras
import Foundation
import ParleyCore

/// Slow, salted password hashes (PBKDF2-HMAC-SHA256), stored as
/// `pbkdf2-sha256$<rounds>$<salt b64>$<hash b64>` so the round count can grow later.
public struct PasswordHasher: Sendable {
    public let rounds: Int

    /// 210,000 rounds is OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
    public init(rounds: Int = 210_000) {
        self.rounds = rounds
    }

    public func hash(_ password: String) throws -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        let derived = try derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]),
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              let derived = try? derive(password, salt: Array(salt), rounds: rounds)
        else { return false }
        return ConstantTime.equals(derived, Array(expected))
    }

    private func derive(_ password: String, salt: [UInt8], rounds: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: rounds
        )
        return key.withUnsafeBytes { Array($0) }
    }
}
