import Foundation
import ParleyCore

/// A WeChat Official Account (公众号): callbacks in plain, compatible or safe mode (CHANNELS.md
/// §1), replies through the customer-service message API, template messages outside the
/// 48-hour window.
///
/// Callbacks are answered `success` once committed, so WeChat never retries a stored message;
/// the one passive reply is the channel's `greeting` for a new follower, encrypted when the
/// callback was.
public struct WeChatConnector: ChannelConnector {
    public let channel: Channel
    let configuration: WeChatConfiguration
    let tokens: WeChatAccessTokens
    let now: @Sendable () -> Date

    public init(
        channel: Channel, credentials: [String: String], now: @escaping @Sendable () -> Date = Date.init
    ) throws(WeChatConfiguration.ConfigurationError) {
        self.channel = channel
        configuration = try WeChatConfiguration(channel: channel, credentials: credentials)
        tokens = WeChatAccessTokens(
            apiBaseURL: configuration.apiBaseURL, appID: configuration.appID, appSecret: configuration.appSecret, now: now
        )
        self.now = now
    }

    // MARK: - Callbacks

    /// The console's URL check: the plain signature, in every mode, answered with `echostr`.
    public func verify(_ request: WebhookRequest) throws(ConnectorError) -> WebhookResponse {
        try checkSignature(request)
        guard let echo = request.queryValue("echostr") else {
            throw .unsupportedRequest("a GET without echostr is not WeChat's URL check")
        }
        return .text(echo)
    }

    public func authenticate(_ request: WebhookRequest) throws(ConnectorError) {
        try checkSignature(request)
        _ = try document(of: request)
    }

    public func decode(_ request: WebhookRequest) throws(ConnectorError) -> [InboundEvent] {
        [.message(try WeChatCallback.message(from: try document(of: request)))]
    }

    public func acknowledge(_ request: WebhookRequest, receipts: [IngestReceipt]) -> WebhookResponse {
        guard let greeting = configuration.greeting,
              let document = try? document(of: request),
              document["MsgType"] == "event", document["Event"]?.lowercased() == "subscribe",
              let openID = document["FromUserName"], let account = document["ToUserName"]
        else { return .text("success") }
        let reply = WeChatPassiveReply.text(to: openID, from: account, content: greeting, at: now())
        guard isEncrypted(request), let cipher = configuration.cipher else { return xml(reply) }
        let encrypt = cipher.encrypt(Array(reply.utf8))
        let timestamp = request.queryValue("timestamp") ?? String(Int64(now().timeIntervalSince1970))
        let nonce = request.queryValue("nonce") ?? ""
        let signature = WeChatSignature.sign([configuration.token, timestamp, nonce, encrypt])
        return xml(WeChatPassiveReply.encrypted(encrypt, signature: signature, timestamp: timestamp, nonce: nonce))
    }

    // MARK: - Reading a callback

    private func checkSignature(_ request: WebhookRequest) throws(ConnectorError) {
        let parts = [configuration.token, request.queryValue("timestamp") ?? "", request.queryValue("nonce") ?? ""]
        guard WeChatSignature.matches(request.queryValue("signature"), parts) else {
            throw .unauthorized("signature does not match the channel's token, timestamp and nonce")
        }
    }

    private func isEncrypted(_ request: WebhookRequest) -> Bool {
        request.queryValue("encrypt_type")?.lowercased() == "aes"
    }

    /// The callback's plaintext document: parsed, and in safe or compatible mode checked against
    /// `msg_signature` and decrypted (which also checks the AppID inside).
    private func document(of request: WebhookRequest) throws(ConnectorError) -> WeChatXML {
        let outer = try parse(request.body)
        guard isEncrypted(request) else {
            if configuration.mode == .safe {
                throw .unauthorized("the channel is in safe mode; plaintext callbacks are refused (expected encrypt_type=aes)")
            }
            return outer
        }
        guard let cipher = configuration.cipher else {
            throw .unauthorized("the callback is encrypted but the channel has no encodingAESKey")
        }
        guard let encrypt = outer["Encrypt"], !encrypt.isEmpty else { throw .malformedPayload("an encrypted callback without <Encrypt>") }
        let parts = [
            configuration.token, request.queryValue("timestamp") ?? "", request.queryValue("nonce") ?? "", encrypt,
        ]
        guard WeChatSignature.matches(request.queryValue("msg_signature"), parts) else {
            throw .unauthorized("msg_signature does not match the encrypted message")
        }
        let plaintext: [UInt8]
        do {
            plaintext = try cipher.decrypt(encrypt)
        } catch .wrongAppID(let found) {
            throw .unauthorized(WeChatCipher.CipherError.wrongAppID(found: found).description)
        } catch {
            throw .malformedPayload(error.description)
        }
        return try parse(plaintext)
    }

    private func parse(_ bytes: [UInt8]) throws(ConnectorError) -> WeChatXML {
        do {
            return try WeChatXML.parse(bytes)
        } catch {
            throw .malformedPayload(error.description)
        }
    }

    private func xml(_ text: String) -> WebhookResponse {
        WebhookResponse(status: 200, contentType: "application/xml; charset=utf-8", body: Array(text.utf8))
    }
}
