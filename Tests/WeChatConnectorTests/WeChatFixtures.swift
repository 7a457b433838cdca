import Foundation
import ParleyCore
@testable import WeChatConnector

/// The credentials of CHANNELS.md §1.2's test vector, and requests signed the way WeChat signs them.
enum WeChatFixtures {
    static let appID = "wx49f0ab532d5d035a"
    static let token = "123456"
    static let encodingAESKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
    static let timestamp = "1411525903"
    static let nonce = "461056294"

    static func connector(
        mode: WeChatConfiguration.Mode = .plain, settings: [String: String] = [:], appSecret: String = "app-secret",
        now: @escaping @Sendable () -> Date = Date.init
    ) throws -> WeChatConnector {
        var allSettings = settings
        allSettings["mode"] = mode.rawValue
        let channel = Channel(id: ChannelID("ch_wechat"), kind: .wechat, name: "Main OA", settings: allSettings)
        return try WeChatConnector(
            channel: channel,
            credentials: ["appId": appID, "appSecret": appSecret, "token": token, "encodingAESKey": encodingAESKey],
            now: now
        )
    }

    static func cipher(appID: String = appID) throws -> WeChatCipher {
        try WeChatCipher(encodingAESKey: encodingAESKey, appID: appID)
    }

    static func plainRequest(_ xml: String, method: WebhookRequest.Method = .post, extra: [(String, String)] = []) -> WebhookRequest {
        let signature = WeChatSignature.sign([token, timestamp, nonce])
        return WebhookRequest(
            method: method, path: "/hooks/ch_wechat",
            query: [("signature", signature), ("timestamp", timestamp), ("nonce", nonce), ("openid", "oFollower")] + extra,
            body: Array(xml.utf8), publicBaseURL: "http://127.0.0.1:8080"
        )
    }

    /// A safe-mode callback: `xml` encrypted for `appID`, in the envelope WeChat posts.
    static func encryptedRequest(_ xml: String, appID: String = appID, plaintextAlso: Bool = false) throws -> WebhookRequest {
        let encrypt = try cipher(appID: appID).encrypt(Array(xml.utf8))
        var request = plainRequest(
            plaintextAlso
                ? xml.replacingOccurrences(of: "</xml>", with: "<Encrypt><![CDATA[\(encrypt)]]></Encrypt></xml>")
                : "<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[\(encrypt)]]></Encrypt></xml>",
            extra: [("encrypt_type", "aes"), ("msg_signature", WeChatSignature.sign([token, timestamp, nonce, encrypt]))]
        )
        request.method = .post
        return request
    }

    static func text(_ content: String, from openID: String = "oFollower", msgID: String = "1234567890123456") -> String {
        "<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName>"
            + "<CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            + "<Content><![CDATA[\(content)]]></Content><MsgId>\(msgID)</MsgId></xml>"
    }

    static func event(_ name: String, from openID: String = "oFollower", at time: Int = 1348831860, fields: String = "") -> String {
        "<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName>"
            + "<CreateTime>\(time)</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[\(name)]]></Event>\(fields)</xml>"
    }
}
