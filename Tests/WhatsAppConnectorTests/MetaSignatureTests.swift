import Foundation
import MetaSigning
import ParleyCore
import Testing

@Suite("Meta webhook signature and verification")
struct MetaSignatureTests {
    @Test func signaturesMatchKnownVectors() {
        // The published HMAC-SHA256 example (key "key"), as Meta's header would carry it.
        let fox = Array("The quick brown fox jumps over the lazy dog".utf8)
        #expect(MetaSignature.sign(fox, appSecret: "key") == "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
        // Recomputed with Python's hmac/hashlib over the exact bytes.
        let body = Array(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)
        let expected = "sha256=ee9f05f989bc0aa2693d85691a477f8b8403933cde7959a1c5c6be7ea85e8d3d"
        #expect(MetaSignature.sign(body, appSecret: "meta-app-secret") == expected)
        #expect(MetaSignature.matches(expected, body: body, appSecret: "meta-app-secret"))
        #expect(MetaSignature.matches(expected.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), body: body, appSecret: "meta-app-secret"))
    }

    @Test func anythingButTheExactSignatureIsRefused() {
        let body = Array(#"{"object":"page","entry":[]}"#.utf8)
        let good = MetaSignature.sign(body, appSecret: "s3cret")
        #expect(MetaSignature.matches(good, body: body, appSecret: "s3cret"))
        #expect(!MetaSignature.matches(good, body: body + [0x20], appSecret: "s3cret"), "one more byte")
        #expect(!MetaSignature.matches(good, body: body, appSecret: "other"))
        #expect(!MetaSignature.matches(String(good.dropLast()), body: body, appSecret: "s3cret"))
        #expect(!MetaSignature.matches(String(good.dropFirst(7)), body: body, appSecret: "s3cret"), "no sha256= prefix")
        #expect(!MetaSignature.matches("sha1=" + good.dropFirst(7), body: body, appSecret: "s3cret"))
        #expect(!MetaSignature.matches("sha256=" + String(repeating: "zz", count: 32), body: body, appSecret: "s3cret"))
        #expect(!MetaSignature.matches(nil, body: body, appSecret: "s3cret"))
    }

    @Test func theHubChallengeIsEchoedOnlyForTheRightToken() throws {
        let guardian = MetaWebhookGuard(appSecret: "s", verifyToken: "my-verify-token", platform: "WhatsApp")
        func request(_ query: [(String, String)]) -> WebhookRequest {
            WebhookRequest(method: .get, path: "/hooks/x", query: query, publicBaseURL: "https://parley.example")
        }
        let ok = try guardian.verify(request([("hub.mode", "subscribe"), ("hub.verify_token", "my-verify-token"), ("hub.challenge", "1158201444")]))
        #expect(ok == WebhookResponse(status: 200, contentType: "text/plain", body: Array("1158201444".utf8)))
        for query in [
            [("hub.mode", "subscribe"), ("hub.verify_token", "wrong"), ("hub.challenge", "1")],
            [("hub.mode", "unsubscribe"), ("hub.verify_token", "my-verify-token"), ("hub.challenge", "1")],
            [("hub.verify_token", "my-verify-token"), ("hub.challenge", "1")],
            [("hub.mode", "subscribe"), ("hub.verify_token", "my-verify-token"), ("hub.challenge", "<script>")],
        ] {
            #expect(throws: ConnectorError.self) { try guardian.verify(request(query)) }
            do { _ = try guardian.verify(request(query)) } catch { #expect(error.httpStatus == 403) }
        }
    }
}
