import Crypto
import Foundation
import ParleyCore
import Testing
@testable import WebPush

@Suite("RFC 8291 payload encryption")
struct WebPushEncryptionTests {
    typealias Example = RFC8291Example

    static func senderKey() throws -> P256.KeyAgreement.PrivateKey {
        try P256.KeyAgreement.PrivateKey(rawRepresentation: Example.bytes(Example.senderPrivate))
    }

    @Test func theAppendixAExampleEncryptsToTheRFCsBytes() throws {
        let body = try WebPushEncryption.encrypt(
            Array(Example.plaintext.utf8), receiverPublicKey: Example.bytes(Example.receiverPublic),
            authSecret: Example.bytes(Example.authSecret), salt: Example.bytes(Example.salt), senderKey: Self.senderKey()
        )
        #expect(Array(body.prefix(86)) == Example.bytes(Example.header))
        #expect(Array(body.dropFirst(86)) == Example.bytes(Example.ciphertext))
        #expect(body == Example.bytes(Example.body))
        #expect(body.count == 144)
    }

    @Test func everyIntermediateValueMatchesAppendixA() throws {
        let keys = try WebPushEncryption.deriveKeys(
            senderKey: Self.senderKey(), receiverPublicKey: Example.bytes(Example.receiverPublic),
            authSecret: Example.bytes(Example.authSecret), salt: Example.bytes(Example.salt)
        )
        #expect(keys.ecdhSecret == Example.bytes(Example.ecdhSecret))
        #expect(keys.ikm == Example.bytes(Example.ikm))
        #expect(keys.prk == Example.bytes(Example.prk))
        #expect(keys.contentEncryptionKey == Example.bytes(Example.contentEncryptionKey))
        #expect(keys.nonce == Example.bytes(Example.nonce))
    }

    @Test func theTestDecryptorOpensTheRFCsBodyWithTheReceiversKey() throws {
        let receiver = try P256.KeyAgreement.PrivateKey(rawRepresentation: Example.bytes(Example.receiverPrivate))
        let opened = try ReceiverDecryptor.decrypt(Example.bytes(Example.body), receiver: receiver, authSecret: Example.bytes(Example.authSecret))
        #expect(opened.plaintext == Array(Example.plaintext.utf8))
        #expect(opened.recordSize == 4096)
        #expect(opened.senderPublicKey == Example.bytes(Example.senderPublic))
    }

    @Test func aFreshSubscriptionKeyPairRoundTrips() throws {
        let receiver = P256.KeyAgreement.PrivateKey()
        let auth = (0..<16).map { _ in UInt8.random(in: 0...255) }
        let subscription = try PushSubscription(
            endpoint: "https://fcm.googleapis.com/fcm/send/x", p256dh: Array(receiver.publicKey.x963Representation), auth: auth
        )
        let payload = Array(#"{"title":"新消息","body":"Your order shipped 📦"}"#.utf8)
        let body = try WebPushEncryption.encrypt(payload, for: subscription)
        let opened = try ReceiverDecryptor.decrypt(body, receiver: receiver, authSecret: auth)
        #expect(opened.plaintext == payload)
        #expect(opened.padding == 0)
        #expect(body.count == 86 + payload.count + 1 + 16)

        let padded = try WebPushEncryption.encrypt(payload, for: subscription, padding: 100)
        let openedPadded = try ReceiverDecryptor.decrypt(padded, receiver: receiver, authSecret: auth)
        #expect(openedPadded.plaintext == payload)
        #expect(openedPadded.padding == 100)
    }

    @Test func eachMessageHasItsOwnSaltAndSenderKey() throws {
        let receiver = P256.KeyAgreement.PrivateKey()
        let subscription = try PushSubscription(
            endpoint: "https://fcm.googleapis.com/fcm/send/x", p256dh: Array(receiver.publicKey.x963Representation), auth: Array(repeating: 7, count: 16)
        )
        let first = try WebPushEncryption.encrypt([1, 2, 3], for: subscription)
        let second = try WebPushEncryption.encrypt([1, 2, 3], for: subscription)
        #expect(first.prefix(16) != second.prefix(16))
        #expect(first[21..<86] != second[21..<86])
    }

    @Test func aWrongAuthSecretCannotOpenTheMessage() throws {
        let receiver = P256.KeyAgreement.PrivateKey()
        let subscription = try PushSubscription(
            endpoint: "https://fcm.googleapis.com/fcm/send/x", p256dh: Array(receiver.publicKey.x963Representation), auth: Array(repeating: 7, count: 16)
        )
        let body = try WebPushEncryption.encrypt([1, 2, 3], for: subscription)
        #expect(throws: (any Error).self) {
            try ReceiverDecryptor.decrypt(body, receiver: receiver, authSecret: Array(repeating: 8, count: 16))
        }
    }

    @Test func payloadsBeyondOneRecordAreRefused() throws {
        let receiver = P256.KeyAgreement.PrivateKey()
        let subscription = try PushSubscription(
            endpoint: "https://fcm.googleapis.com/fcm/send/x", p256dh: Array(receiver.publicKey.x963Representation), auth: Array(repeating: 7, count: 16)
        )
        let largest = try WebPushEncryption.encrypt(Array(repeating: 0x41, count: 3993), for: subscription)
        #expect(largest.count == 4096)
        #expect(try ReceiverDecryptor.decrypt(largest, receiver: receiver, authSecret: subscription.auth).plaintext.count == 3993)
        #expect(throws: PushEncryptionError.payloadTooLarge(bytes: 3994, limit: 3993)) {
            try WebPushEncryption.encrypt(Array(repeating: 0x41, count: 3994), for: subscription)
        }
        #expect(throws: PushEncryptionError.payloadTooLarge(bytes: 4000, limit: 3993)) {
            try WebPushEncryption.encrypt(Array(repeating: 0x41, count: 3900), for: subscription, padding: 100)
        }
        #expect(PushEncryptionError.payloadTooLarge(bytes: 3994, limit: 3993).description
            == "the push payload is 3994 bytes (with padding); Web Push carries at most 3993")
    }

    @Test func aKeyThatIsNotOnTheCurveIsRefused() throws {
        var point = Example.bytes(Example.receiverPublic)
        point[40] ^= 0xFF
        let subscription = try PushSubscription(endpoint: "https://fcm.googleapis.com/fcm/send/x", p256dh: point, auth: Array(repeating: 7, count: 16))
        #expect(throws: PushEncryptionError.publicKeyNotOnCurve) {
            try WebPushEncryption.encrypt([1], for: subscription)
        }
    }
}
