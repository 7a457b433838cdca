import Foundation
import ParleyCore
import Testing

@Suite("Web Push subscriptions as the browser hands them over")
struct PushSubscriptionTests {
    /// RFC 8291 §5's receiver keys, in the shape of `PushSubscription.toJSON()`.
    static let p256dh = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
    static let auth = "BTBZMqHH6r4Tts7J_aSIgg"
    static let endpoint = "https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqjZxM0VImWWqDRN7U0a3AycjUf4O-byuxb_wJsKRaKvV_iKw56s16ekq6FUqoCF7k2nICUpd8fHPxVTgqLunFeVeB9lLCQZyohyAztTH8ZQL9WCxKpA6dvTG_TUIhQUFq_n"

    static func json(endpoint: String = endpoint, p256dh: String? = p256dh, auth: String? = auth) -> [UInt8] {
        var keys: [String] = []
        if let p256dh { keys.append(#""p256dh":"\#(p256dh)""#) }
        if let auth { keys.append(#""auth":"\#(auth)""#) }
        return Array(#"{"endpoint":"\#(endpoint)","expirationTime":null,"keys":{\#(keys.joined(separator: ","))}}"#.utf8)
    }

    /// Decoded independently of `Base64URL`, so a decoder bug cannot agree with itself.
    static func bytes(_ base64url: String) -> [UInt8] {
        var text = base64url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return Array(Data(base64Encoded: text)!)
    }

    static func refusal(_ json: [UInt8]) -> PushSubscription.Invalid? {
        do {
            _ = try PushSubscription.decode(json: json)
            return nil
        } catch {
            return error
        }
    }

    @Test func theBrowsersJSONDecodesToTheKeyBytes() throws {
        let subscription = try PushSubscription.decode(json: Self.json())
        #expect(subscription.endpoint == Self.endpoint)
        #expect(subscription.p256dh == Self.bytes(Self.p256dh))
        #expect(subscription.p256dh.count == 65 && subscription.p256dh[0] == 0x04)
        #expect(subscription.auth == Self.bytes(Self.auth))
        #expect(subscription.expirationTime == nil)

        let viaCodable = try JSONDecoder().decode(PushSubscription.self, from: Data(Self.json()))
        #expect(viaCodable == subscription)
    }

    @Test func encodingGivesTheBrowsersShapeBack() throws {
        let subscription = try PushSubscription(endpoint: Self.endpoint, p256dh: Self.p256dh, auth: Self.auth,
                                                expirationTime: Date(timeIntervalSince1970: 1_700_000_000.5))
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(subscription)) as? [String: Any]
        #expect(encoded?["endpoint"] as? String == Self.endpoint)
        #expect(encoded?["expirationTime"] as? Double == 1_700_000_000_500)
        let keys = encoded?["keys"] as? [String: String]
        #expect(keys == ["p256dh": Self.p256dh, "auth": Self.auth])
        #expect(try JSONDecoder().decode(PushSubscription.self, from: JSONEncoder().encode(subscription)) == subscription)
    }

    @Test func paddedBase64URLIsAccepted() throws {
        let subscription = try PushSubscription.decode(json: Self.json(p256dh: Self.p256dh + "=", auth: Self.auth + "=="))
        #expect(subscription.auth == Self.bytes(Self.auth))
    }

    @Test func badKeysAreRefusedNamingTheField() {
        let short = Base64URL.encode(Array(Self.bytes(Self.p256dh).prefix(64)))
        let compressed = Base64URL.encode([0x02] + Self.bytes(Self.p256dh).dropFirst())
        let cases: [([UInt8], String, String)] = [
            (Self.json(p256dh: "BCVx+r7N/eNg"), "keys.p256dh", "keys.p256dh is not base64url"),
            (Self.json(p256dh: short), "keys.p256dh", "keys.p256dh must be a 65-byte uncompressed P-256 point starting 0x04; this one is 64 bytes"),
            (Self.json(p256dh: compressed), "keys.p256dh", "keys.p256dh must be a 65-byte uncompressed P-256 point starting 0x04; this one starts with 0x02"),
            (Self.json(auth: "BTBZ*qHH6r4Tts7J_aSIgg"), "keys.auth", "keys.auth is not base64url"),
            (Self.json(auth: "BTBZMqHH6r4Tts7J"), "keys.auth", "keys.auth must be a 16-byte secret; this one is 12 bytes"),
            (Self.json(auth: nil), "keys.auth", "keys.auth is missing"),
            (Self.json(p256dh: nil), "keys.p256dh", "keys.p256dh is missing"),
            (Self.json(endpoint: "not a url"), "endpoint", "endpoint is not an absolute URL"),
            (Self.json(endpoint: "ftp://push.example/x"), "endpoint", "endpoint must be an https URL, not ftp"),
            (Self.json(endpoint: "https://user:pw@fcm.googleapis.com/x"), "endpoint", "endpoint must not carry credentials"),
            (Self.json(endpoint: ""), "endpoint", "endpoint is empty"),
            (Array(#"{"endpoint":"https://fcm.googleapis.com/x","keys":{"p256dh":7,"auth":"x"}}"#.utf8), "keys.p256dh", "keys.p256dh is not a string"),
            (Array("{".utf8), "body", "the body is not valid JSON (truncated or malformed)"),
        ]
        for (json, field, reason) in cases {
            let refusal = Self.refusal(json)
            #expect(refusal?.field == field, "\(String(decoding: json, as: UTF8.self))")
            #expect(refusal?.reason == reason, "\(String(decoding: json, as: UTF8.self))")
        }
    }

    @Test func jsonDecoderRefusalsNameTheFieldThroughDecodingErrorReason() {
        let short = Base64URL.encode(Array(Self.bytes(Self.auth).prefix(8)))
        do {
            _ = try JSONDecoder().decode(PushSubscription.self, from: Data(Self.json(auth: short)))
            Issue.record("a 8-byte auth secret was accepted")
        } catch let error as DecodingError {
            #expect(error.reason == "keys.auth is invalid")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func theBytesInitializerChecksTheSameRules() {
        let key = Self.bytes(Self.p256dh)
        #expect(throws: PushSubscription.Invalid(field: "keys.auth", reason: "keys.auth must be a 16-byte secret; this one is 0 bytes")) {
            try PushSubscription(endpoint: Self.endpoint, p256dh: key, auth: [])
        }
        #expect((try? PushSubscription(endpoint: Self.endpoint, p256dh: key, auth: Array(repeating: 1, count: 16))) != nil)
    }
}
