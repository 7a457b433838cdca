import Crypto
import Foundation
import ParleyCore

/// Signs the VAPID token every push carries (RFC 8292): a JWT, ES256, whose `aud` is the push
/// service's origin, `exp` at most 24 hours ahead, and `sub` a contact the push service's
/// operator can write to when our pushes misbehave.
public struct VAPIDSigner: Sendable {
    /// RFC 8292 §2 caps `exp` at 24 hours from now; half that leaves room for a sender whose
    /// clock runs ahead of the push service's.
    public static let tokenLifetime: TimeInterval = 12 * 60 * 60

    public let keys: VAPIDKeyPair
    /// `mailto:ops@example.com` or `https://example.com/contact`.
    public let subject: String

    /// Refuses a subject that is neither `mailto:` with an address nor an `https:` URL: Apple's
    /// push service answers 403 `BadJwtToken` to a token without a usable `sub`.
    public init(keys: VAPIDKeyPair, subject: String) throws(WebPushConfigurationError) {
        let subject = subject.trimmingCharacters(in: .whitespaces)
        let lowered = subject.lowercased()
        if lowered.hasPrefix("mailto:") {
            let address = subject.dropFirst("mailto:".count)
            guard address.contains("@"), !address.hasPrefix("@"), !address.hasSuffix("@"),
                  !address.contains(where: { $0.isWhitespace || $0 == "\"" })
            else { throw WebPushConfigurationError("the VAPID subject '\(subject)' has no usable address after mailto:") }
        } else if lowered.hasPrefix("https://") {
            guard let host = URLComponents(string: subject)?.host, !host.isEmpty else {
                throw WebPushConfigurationError("the VAPID subject '\(subject)' is not a valid https URL")
            }
        } else {
            throw WebPushConfigurationError("the VAPID subject must be a mailto: address or an https: URL, not '\(subject)'")
        }
        self.keys = keys
        self.subject = subject
    }

    /// The origin of a push resource (`scheme://host[:port]`, lowercased, the port only when it is
    /// not the scheme's default): the `aud` the push service checks against itself.
    public static func audience(of endpoint: URL) -> String? {
        guard let components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false),
              let scheme = components.scheme?.lowercased(), var host = components.percentEncodedHost?.lowercased(),
              !host.isEmpty
        else { return nil }
        // A fully qualified spelling names the same host; the push service knows itself without it.
        if host.hasSuffix(".") { host.removeLast() }
        if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
        let defaultPort = scheme == "https" ? 443 : scheme == "http" ? 80 : nil
        if let port = components.port, port != defaultPort { return "\(scheme)://\(host):\(port)" }
        return "\(scheme)://\(host)"
    }

    /// The compact JWT: base64url(header) . base64url(claims) . base64url(r || s).
    /// Throws only when the crypto library fails to sign.
    public func token(audience: String, expiresAt: Date) throws -> String {
        let header = #"{"typ":"JWT","alg":"ES256"}"#
        let expiry = Int(expiresAt.timeIntervalSince1970.rounded(.down))
        let claims = #"{"aud":\#(JSONText.quoted(audience)),"exp":\#(expiry),"sub":\#(JSONText.quoted(subject))}"#
        let signingInput = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        // JWS ES256 (RFC 7518 §3.4) is the fixed-width r || s, not the DER that ECDSA libraries default to.
        let signature = try keys.privateKey.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(Array(signature.rawRepresentation))
    }

    /// The `Authorization` header value (RFC 8292 §3): `vapid t=<jwt>, k=<public key>`, with a
    /// token that expires `tokenLifetime` after `now`.
    public func authorization(audience: String, now: Date) throws -> String {
        let token = try token(audience: audience, expiresAt: now.addingTimeInterval(Self.tokenLifetime))
        return "vapid t=\(token), k=\(keys.applicationServerKey)"
    }
}
