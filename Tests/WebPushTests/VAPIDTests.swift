import Crypto
import Foundation
import ParleyCore
import Testing
@testable import WebPush

/// A VAPID token taken apart the way a push service checks it.
struct ReadVAPID {
    var header: [String: Any]
    var claims: [String: Any]
    var publicKey: [UInt8]
    var signatureVerifies: Bool

    /// Reads `vapid t=<jwt>, k=<key>`; `nil` when the header does not have that shape.
    init?(authorization: String) {
        let pattern = /^vapid t=([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/
        guard let match = authorization.wholeMatch(of: pattern) else { return nil }
        let (header, claims, signature, key) = (String(match.1), String(match.2), String(match.3), String(match.4))
        guard let headerJSON = try? JSONSerialization.jsonObject(with: Data(RFC8291Example.bytes(header))) as? [String: Any],
              let claimsJSON = try? JSONSerialization.jsonObject(with: Data(RFC8291Example.bytes(claims))) as? [String: Any],
              let verifier = try? P256.Signing.PublicKey(x963Representation: RFC8291Example.bytes(key)),
              let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: RFC8291Example.bytes(signature))
        else { return nil }
        self.header = headerJSON
        self.claims = claimsJSON
        publicKey = RFC8291Example.bytes(key)
        signatureVerifies = verifier.isValidSignature(ecdsa, for: Data("\(header).\(claims)".utf8))
    }
}

@Suite("VAPID keys and tokens (RFC 8292)")
struct VAPIDTests {
    static let now = Date(timeIntervalSince1970: 1_760_000_000)

    @Test func aGeneratedKeyPairSurvivesEveryExportFormat() throws {
        let keys = VAPIDKeyPair.generate()
        #expect(keys.rawPrivateKey.count == 32)
        #expect(keys.publicKey.count == 65 && keys.publicKey[0] == 0x04)
        #expect(RFC8291Example.bytes(keys.applicationServerKey) == keys.publicKey)
        #expect(keys.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))

        #expect(try VAPIDKeyPair(rawPrivateKey: keys.rawPrivateKey).publicKey == keys.publicKey)
        #expect(try VAPIDKeyPair(privateKey: keys.privateKeyPEM).publicKey == keys.publicKey)
        #expect(try VAPIDKeyPair(privateKey: "  " + keys.privateKeyBase64URL + "\n").publicKey == keys.publicKey)
        #expect(VAPIDKeyPair.generate().publicKey != keys.publicKey)
    }

    @Test func aKnownPrivateKeyGivesItsKnownPublicKey() throws {
        // RFC 8291's example sender key: a P-256 pair whose halves the RFC prints.
        let keys = try VAPIDKeyPair(privateKey: RFC8291Example.senderPrivate)
        #expect(keys.applicationServerKey == RFC8291Example.senderPublic)
    }

    @Test func anOpenSSLSEC1KeyIsRead() throws {
        let pem = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIO7tQJ1riWsyjyQyfu4/uAOH6ElKX3NoXisKuVX5RHbRoAoGCCqGSM49
            AwEHoUQDQgAEczbkoy/izY+UnWjm7wFSIO3h02dlNiZILVrrXHTxP7tn6vGVu4u1
            sv5iDGa+Xaem+aG+IPM5dy8iBrHbId+UIQ==
            -----END EC PRIVATE KEY-----
            """
        // The public key openssl printed for it (`openssl ec -pubout`).
        #expect(try VAPIDKeyPair(privateKey: pem).applicationServerKey
            == "BHM25KMv4s2PlJ1o5u8BUiDt4dNnZTYmSC1a61x08T-7Z-rxlbuLtbL-Ygxmvl2npvmhviDzOXcvIgax2yHflCE")
    }

    @Test func unusableKeysAreRefusedWithAReason() {
        let ed25519 = """
            -----BEGIN PRIVATE KEY-----
            MC4CAQAwBQYDK2VwBCIEIOlNYLKcB62fonXsW/wkEkR11qL+5uRtKKNk0fTKI/FA
            -----END PRIVATE KEY-----
            """
        #expect(throws: WebPushConfigurationError("the VAPID private key is PEM but not a P-256 private key")) {
            try VAPIDKeyPair(privateKey: ed25519)
        }
        #expect(throws: WebPushConfigurationError("the VAPID private key is neither PEM nor base64url")) {
            try VAPIDKeyPair(privateKey: "not+a/key")
        }
        #expect(throws: WebPushConfigurationError("the VAPID private key must be 32 bytes; this one is 16")) {
            try VAPIDKeyPair(rawPrivateKey: Array(repeating: 1, count: 16))
        }
        #expect(throws: WebPushConfigurationError("the VAPID private key is not a P-256 private key (zero or beyond the curve order)")) {
            try VAPIDKeyPair(rawPrivateKey: Array(repeating: 0xFF, count: 32))
        }
    }

    @Test func theTokenVerifiesWithThePublicKeyAndCarriesTheClaims() throws {
        let signer = try VAPIDSigner(keys: .generate(), subject: "mailto:ops@parley.example")
        let authorization = try signer.authorization(audience: "https://fcm.googleapis.com", now: Self.now)
        let read = try #require(ReadVAPID(authorization: authorization))
        #expect(read.signatureVerifies)
        #expect(read.publicKey == signer.keys.publicKey)
        #expect(read.header["typ"] as? String == "JWT")
        #expect(read.header["alg"] as? String == "ES256")
        #expect(read.claims["aud"] as? String == "https://fcm.googleapis.com")
        #expect(read.claims["sub"] as? String == "mailto:ops@parley.example")
        let exp = try #require(read.claims["exp"] as? Int)
        #expect(exp == 1_760_000_000 + 12 * 3600)
        #expect(TimeInterval(exp) - Self.now.timeIntervalSince1970 <= 24 * 3600)
    }

    @Test func aTamperedTokenDoesNotVerify() throws {
        let signer = try VAPIDSigner(keys: .generate(), subject: "https://parley.example/contact")
        let token = try signer.token(audience: "https://web.push.apple.com", expiresAt: Self.now)
        let parts = token.split(separator: ".").map(String.init)
        let forgedClaims = Base64URL.encode(Array(#"{"aud":"https://evil.example","exp":1760000000,"sub":"https://parley.example/contact"}"#.utf8))
        let forged = try #require(ReadVAPID(authorization: "vapid t=\(parts[0]).\(forgedClaims).\(parts[2]), k=\(signer.keys.applicationServerKey)"))
        #expect(!forged.signatureVerifies)
        let otherKey = try #require(ReadVAPID(authorization: "vapid t=\(token), k=\(VAPIDKeyPair.generate().applicationServerKey)"))
        #expect(!otherKey.signatureVerifies)
        #expect(try #require(ReadVAPID(authorization: "vapid t=\(token), k=\(signer.keys.applicationServerKey)")).signatureVerifies)
    }

    @Test func theAudienceIsTheEndpointsOrigin() throws {
        let cases: [(String, String)] = [
            ("https://fcm.googleapis.com/fcm/send/abc:def", "https://fcm.googleapis.com"),
            ("https://FCM.GoogleAPIs.com./fcm/send/x", "https://fcm.googleapis.com"),
            ("https://updates.push.services.mozilla.com:443/wpush/v2/x", "https://updates.push.services.mozilla.com"),
            ("http://127.0.0.1:8765/push/1", "http://127.0.0.1:8765"),
            ("https://[::1]:8443/p", "https://[::1]:8443"),
        ]
        for (endpoint, audience) in cases {
            #expect(VAPIDSigner.audience(of: try #require(URL(string: endpoint))) == audience, "\(endpoint)")
        }
    }

    @Test func theSubjectMustBeAContact() throws {
        let keys = VAPIDKeyPair.generate()
        #expect((try? VAPIDSigner(keys: keys, subject: "mailto:support@parley.example")) != nil)
        #expect((try? VAPIDSigner(keys: keys, subject: "https://parley.example")) != nil)
        #expect(throws: WebPushConfigurationError("the VAPID subject must be a mailto: address or an https: URL, not 'ops@parley.example'")) {
            try VAPIDSigner(keys: keys, subject: "ops@parley.example")
        }
        #expect(throws: WebPushConfigurationError("the VAPID subject 'mailto:' has no usable address after mailto:")) {
            try VAPIDSigner(keys: keys, subject: "mailto:")
        }
        #expect(throws: WebPushConfigurationError.self) { try VAPIDSigner(keys: keys, subject: "http://parley.example") }
    }
}
