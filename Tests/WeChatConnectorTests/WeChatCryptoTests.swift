import Foundation
import ParleyCore
import Testing
@testable import WeChatConnector

@Suite("WeChat signatures and safe-mode cipher")
struct WeChatCryptoTests {
    @Test func plainSignatureMatchesTheVector() {
        #expect(WeChatSignature.sign(["test", "1410685589", "test"]) == "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff")
        #expect(WeChatSignature.matches("f21891de399b4e33a1a93c9a7b8a8fffb5a443ff", ["test", "1410685589", "test"]))
        #expect(!WeChatSignature.matches("f21891de399b4e33a1a93c9a7b8a8fffb5a443fe", ["test", "1410685589", "test"]))
        #expect(!WeChatSignature.matches(nil, ["test", "1410685589", "test"]))
    }

    /// wechatpy `tests/test_crypto.py::test_encrypt_message`, byte for byte.
    @Test func encryptionMatchesTheVectorByteForByte() throws {
        let message = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n"
            + "<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n"
            + "<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>"
        let encrypt = try WeChatFixtures.cipher().encrypt(Array(message.utf8), prefix: Array("1234567890123456".utf8))
        #expect(encrypt == "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3")
        #expect(WeChatSignature.sign([WeChatFixtures.token, WeChatFixtures.timestamp, WeChatFixtures.nonce, encrypt])
            == "407518b7649e86ef23978113f92d27afa9296533")
        #expect(try WeChatFixtures.cipher().decrypt(encrypt) == Array(message.utf8))
    }

    @Test func aMessageForAnotherAppIDIsRefused() throws {
        let foreign = try WeChatFixtures.cipher(appID: "wxSomeoneElse").encrypt(Array("<xml/>".utf8))
        #expect(throws: WeChatCipher.CipherError.wrongAppID(found: "wxSomeoneElse")) { try WeChatFixtures.cipher().decrypt(foreign) }
    }

    @Test func garbageIsRefusedNotCrashedOn() throws {
        let cipher = try WeChatFixtures.cipher()
        #expect(throws: WeChatCipher.CipherError.notBase64) { try cipher.decrypt("not base64!") }
        #expect(throws: WeChatCipher.CipherError.notBase64) { try cipher.decrypt("AAAA") }
        // One valid block of random bytes: decrypts to nonsense with a bad pad or length.
        #expect(throws: (any Error).self) { try cipher.decrypt(Data(repeating: 7, count: 32).base64EncodedString()) }
        #expect(throws: WeChatCipher.CipherError.invalidKey) { try WeChatCipher(encodingAESKey: "short", appID: "wx") }
    }

    @Test func paddingFillsToThirtyTwoByteBlocksAlways() throws {
        let cipher = try WeChatFixtures.cipher()
        // 16 + 4 + 10 + 18 = 48 bytes → padded with 16 to 64; 16 + 4 + 22 + 18 = 60 → 4 to 64;
        // 16 + 4 + 26 + 18 = 64 → a whole extra block of 32.
        for (length, expected) in [(10, 64), (22, 64), (26, 96)] {
            let encrypted = cipher.encrypt(Array(repeating: UInt8(ascii: "a"), count: length))
            #expect(Data(base64Encoded: encrypted)?.count == expected)
            #expect(try cipher.decrypt(encrypted).count == length)
        }
    }
}
