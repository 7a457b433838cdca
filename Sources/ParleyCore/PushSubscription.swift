import Foundation

/// Where and how to reach one browser by Web Push: what the browser's
/// `PushSubscription.toJSON()` hands the page (`{"endpoint": …, "keys": {"p256dh": …, "auth": …}}`).
/// A value the gateway stores and passes around; the crypto that uses the keys lives in the
/// WebPush connector. Only a validated subscription can exist.
public struct PushSubscription: Sendable, Hashable {
    /// Why a subscription was refused. `field` is the path in the browser's JSON (`endpoint`,
    /// `keys.p256dh`, `keys.auth`); `reason` is a sentence that starts with it, fit for a 400.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let field: String
        public let reason: String

        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }

        init(_ field: String, _ problem: String) {
            self.init(field: field, reason: "\(field) \(problem)")
        }

        public var description: String { reason }
    }

    /// Longer endpoints are refused: real ones are a few hundred characters, and the value is
    /// stored and logged.
    public static let maximumEndpointLength = 4096
    /// An uncompressed P-256 point: 0x04, then x and y of 32 bytes each (RFC 8291 §3.1).
    public static let publicKeyLength = 65
    /// RFC 8291 §3.2: the authentication secret is 16 random bytes.
    public static let authSecretLength = 16

    /// The push resource the push service gave the browser; messages are POSTed to it.
    public let endpoint: String
    /// The browser's ECDH public key (`keys.p256dh`), 65 bytes starting 0x04.
    public let p256dh: [UInt8]
    /// The browser's authentication secret (`keys.auth`), 16 bytes.
    public let auth: [UInt8]
    /// When the push service will end the subscription, if it said (`expirationTime`).
    public let expirationTime: Date?

    /// A subscription from raw key bytes; refuses a malformed endpoint or keys of the wrong shape.
    public init(endpoint: String, p256dh: [UInt8], auth: [UInt8], expirationTime: Date? = nil) throws(Invalid) {
        try Self.check(endpoint: endpoint)
        guard p256dh.count == Self.publicKeyLength, p256dh.first == 0x04 else {
            let shape = p256dh.count == Self.publicKeyLength ? "starts with 0x" + String(format: "%02x", p256dh[0]) : "is \(p256dh.count) bytes"
            throw Invalid("keys.p256dh", "must be a 65-byte uncompressed P-256 point starting 0x04; this one \(shape)")
        }
        guard auth.count == Self.authSecretLength else {
            throw Invalid("keys.auth", "must be a 16-byte secret; this one is \(auth.count) bytes")
        }
        self.endpoint = endpoint
        self.p256dh = p256dh
        self.auth = auth
        self.expirationTime = expirationTime
    }

    /// A subscription from the base64url texts the browser's JSON carries.
    public init(endpoint: String, p256dh: String, auth: String, expirationTime: Date? = nil) throws(Invalid) {
        guard let key = Base64URL.decode(p256dh) else {
            throw Invalid("keys.p256dh", "is not base64url")
        }
        guard let secret = Base64URL.decode(auth) else {
            throw Invalid("keys.auth", "is not base64url")
        }
        try self.init(endpoint: endpoint, p256dh: key, auth: secret, expirationTime: expirationTime)
    }

    /// `keys.p256dh` as the browser spells it (unpadded base64url).
    public var p256dhBase64URL: String { Base64URL.encode(p256dh) }
    /// `keys.auth` as the browser spells it (unpadded base64url).
    public var authBase64URL: String { Base64URL.encode(auth) }

    /// The shape only: an absolute http(s) URL with a host and no credentials. Which hosts may be
    /// reached is the sender's policy (an SSRF guard), not the value's.
    private static func check(endpoint: String) throws(Invalid) {
        guard !endpoint.isEmpty else { throw Invalid("endpoint", "is empty") }
        guard endpoint.utf8.count <= maximumEndpointLength else {
            throw Invalid("endpoint", "is longer than \(maximumEndpointLength) characters")
        }
        guard let components = URLComponents(string: endpoint), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else { throw Invalid("endpoint", "is not an absolute URL") }
        guard scheme == "https" || scheme == "http" else {
            throw Invalid("endpoint", "must be an https URL, not \(scheme)")
        }
        guard components.user == nil, components.password == nil else {
            throw Invalid("endpoint", "must not carry credentials")
        }
    }
}
