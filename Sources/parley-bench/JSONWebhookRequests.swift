import Crypto
import NIOCore

/// How a JSON webhook proves it comes from the platform.
enum BodyAuthentication {
    /// A fixed header already in the head (Telegram's `X-Telegram-Bot-Api-Secret-Token`).
    case fixedHeader
    /// Lowercase hex HMAC-SHA256 of the body, after the head's `sha256=` (Meta's `X-Hub-Signature-256`).
    case hexHMAC(WebhookSigner<SHA256>)
    /// Base64 HMAC-SHA256 of the body (LINE's `x-line-signature`).
    case base64HMAC(WebhookSigner<SHA256>)
}

/// Telegram, WhatsApp, Messenger and LINE webhooks: a JSON body, authenticated by a fixed header or by
/// an HMAC of the body. The body is written first (into a buffer reused for every request), signed
/// once, then copied behind the head.
struct JSONWebhookRequests<Body: WebhookBody>: WebhookRequestTemplate {
    private let head: WebhookHead
    private let authentication: BodyAuthentication
    private let body: Body
    /// Cleared per request; `ByteBuffer.writeImmutableBuffer` copies out of it, so it keeps its
    /// storage and costs no allocation after the first request.
    private var scratch = ByteBuffer()

    init(head: WebhookHead, authentication: BodyAuthentication, body: Body) {
        self.head = head
        self.authentication = authentication
        self.body = body
        scratch.reserveCapacity(1024)
    }

    mutating func write(seq: UInt64, messageID: UInt64, into buffer: inout ByteBuffer) {
        scratch.clear()
        body.write(seq: seq, messageID: messageID, into: &scratch)
        switch authentication {
        case .fixedHeader:
            head.write(body: scratch, into: &buffer)
        case .hexHMAC(let signer):
            let code = signer.code(for: scratch)
            head.write(body: scratch, into: &buffer) { $0.writeLowercaseHex(code) }
        case .base64HMAC(let signer):
            let code = signer.code(for: scratch)
            head.write(body: scratch, into: &buffer) { $0.writeBase64(code) }
        }
    }
}
