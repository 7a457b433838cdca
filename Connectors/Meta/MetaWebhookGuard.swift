import Foundation
import ParleyCore

/// The two doors of a Meta webhook, the same for WhatsApp and Messenger (CHANNELS.md §3.1,
/// §4.1): the `hub.challenge` GET that proves we own the URL, and the signed POST.
public struct MetaWebhookGuard: Sendable {
    /// Keys `X-Hub-Signature-256`; never logged or shown.
    let appSecret: String
    /// The string typed into the App Dashboard's "Verify token" field.
    let verifyToken: String
    /// "WhatsApp" or "Messenger", for readable refusals.
    let platform: String

    /// A challenge is echoed as text; the docs call it "an int", so anything longer is not Meta's.
    static let longestChallenge = 256

    public init(appSecret: String, verifyToken: String, platform: String) {
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.platform = platform
    }

    /// `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: 200 with the challenge as
    /// `text/plain` when the token matches (compared in constant time), otherwise 403, as Meta's
    /// own sample app answers.
    public func verify(_ request: WebhookRequest) throws(ConnectorError) -> WebhookResponse {
        guard request.queryValue("hub.mode") == "subscribe" else {
            throw .forbidden("\(platform) verification needs hub.mode=subscribe")
        }
        guard let presented = request.queryValue("hub.verify_token"), ConstantTime.equals(presented, verifyToken) else {
            throw .forbidden("hub.verify_token does not match the channel's verifyToken")
        }
        guard let challenge = request.queryValue("hub.challenge"), !challenge.isEmpty,
              challenge.utf8.count <= Self.longestChallenge,
              challenge.utf8.allSatisfy(Self.isChallengeByte)
        else {
            throw .forbidden("the verification request carries no usable hub.challenge")
        }
        return WebhookResponse(status: 200, contentType: "text/plain", body: Array(challenge.utf8))
    }

    /// The signature over the raw bytes first, before anything is parsed, so a forgery is a 401
    /// whatever its body holds; then the content type, which Meta always sends as JSON (400).
    public func authenticate(_ request: WebhookRequest) throws(ConnectorError) {
        guard let claimed = request.header(MetaSignature.header) else {
            throw .unauthorized("the webhook has no \(MetaSignature.header) header")
        }
        guard MetaSignature.matches(claimed, body: request.body, appSecret: appSecret) else {
            throw .unauthorized("\(MetaSignature.header) does not match the body and the channel's appSecret")
        }
        let contentType = request.header("Content-Type") ?? ""
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard mediaType.lowercased() == "application/json" else {
            throw .malformedPayload("Content-Type '\(contentType)' is not application/json, which \(platform) always posts")
        }
    }

    /// Meta's challenges are integers; letters, `-`, `_` and `.` are let through in case that
    /// changes, anything that could be markup is not reflected.
    static func isChallengeByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default: false
        }
    }

    /// The acknowledgement Meta's sample app sends; any 200 will do.
    public static let acknowledgement = WebhookResponse.text("EVENT_RECEIVED")
}
