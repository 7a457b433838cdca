import NIOCore
import WeChatConnector

/// One connection's WeChat callbacks (CHANNELS.md §1.1–1.2), built from parts fixed per connection:
/// timestamp, nonce and therefore `signature` never change, so a plaintext callback costs what an
/// ingest request costs (memcpys and two integer conversions). A safe-mode callback additionally
/// encrypts the message (AES-256-CBC + base64) and signs the ciphertext (SHA-1) per request, as a
/// real WeChat sender would; that work happens before the request's clock starts.
struct WeChatCallbackTemplate: WebhookRequestTemplate {
    /// `POST /hooks/{id}?signature=S&timestamp=T&nonce=N`
    private let requestLine: [UInt8]
    /// ` HTTP/1.1` … `Content-Length: `
    private let headersUpToLength: [UInt8]
    private let headerEnd: [UInt8] = Array("\r\n\r\n".utf8)
    private let xmlPrefix: [UInt8]
    private let xmlMiddle: [UInt8] = Array("]]></Content><MsgId>".utf8)
    private let xmlSuffix: [UInt8] = Array("</MsgId></xml>".utf8)
    private let safeQuery: [UInt8] = Array("&encrypt_type=aes&msg_signature=".utf8)
    private let encryptPrefix: [UInt8] = Array("<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[".utf8)
    private let encryptSuffix: [UInt8] = Array("]]></Encrypt></xml>".utf8)
    private let token: String
    private let timestamp: String
    private let nonce: String
    /// Set for safe mode: every message is encrypted and `msg_signature`d.
    private let cipher: WeChatCipher?
    /// Safe mode only: the plaintext document before encryption, and the random-prefix source.
    private var scratch = ByteBuffer()
    private var prefix = [UInt8](repeating: 0, count: 16)
    private var random = SplitMix64(seed: UInt64.random(in: .min ... .max))

    /// The connection is one follower, `oBench-<run>-<connection>`; timestamp and nonce are fixed for
    /// it like one WeChat delivery attempt. The run id is hex and timestamp and nonce are digits, so
    /// nothing here needs escaping.
    init(_ connection: WebhookConnection, token: String, cipher: WeChatCipher?) {
        self.token = token
        self.cipher = cipher
        timestamp = String(connection.unixTime)
        nonce = String(UInt32.random(in: 100_000_000...UInt32.max))
        let signature = WeChatSignature.sign([token, timestamp, nonce])
        requestLine = Array(
            "POST /hooks/\(RequestBytes.pathSegment(connection.channelID))?signature=\(signature)&timestamp=\(timestamp)&nonce=\(nonce)".utf8
        )
        headersUpToLength = Array(" HTTP/1.1\r\nHost: \(connection.host)\r\nContent-Type: text/xml\r\nContent-Length: ".utf8)
        xmlPrefix = Array(
            ("<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBench-\(connection.run.id)-\(connection.index)]]>"
                + "</FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                + "<Content><![CDATA[bench message ").utf8
        )
        if cipher != nil { scratch.reserveCapacity(512) }
    }

    /// A plaintext callback, or in safe mode an encrypted one.
    mutating func write(seq: UInt64, messageID: UInt64, into buffer: inout ByteBuffer) {
        if let cipher {
            random.fill(&prefix)
            writeSafe(seq: seq, msgID: messageID, cipher: cipher, into: &buffer)
        } else {
            writePlain(seq: seq, msgID: messageID, into: &buffer)
        }
    }

    /// The message document: a text message `bench message <seq>` with MsgId `msgID`.
    private func writeMessageXML(seq: UInt64, msgID: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeBytes(xmlPrefix)
        buffer.writeDecimal(seq)
        buffer.writeBytes(xmlMiddle)
        buffer.writeDecimal(msgID)
        buffer.writeBytes(xmlSuffix)
    }

    /// A plaintext (or compatible-mode) callback carrying the message in the clear.
    private func writePlain(seq: UInt64, msgID: UInt64, into buffer: inout ByteBuffer) {
        let length = xmlPrefix.count + ByteBuffer.decimalDigitCount(seq) + xmlMiddle.count
            + ByteBuffer.decimalDigitCount(msgID) + xmlSuffix.count
        buffer.writeBytes(requestLine)
        buffer.writeBytes(headersUpToLength)
        buffer.writeDecimal(UInt64(length))
        buffer.writeBytes(headerEnd)
        writeMessageXML(seq: seq, msgID: msgID, into: &buffer)
    }

    /// A safe-mode callback: the message encrypted into `<Encrypt>`, `msg_signature` over the
    /// ciphertext. `scratch` holds the plaintext document; `prefix` is the 16 "random" bytes.
    private mutating func writeSafe(seq: UInt64, msgID: UInt64, cipher: WeChatCipher, into buffer: inout ByteBuffer) {
        scratch.clear()
        writeMessageXML(seq: seq, msgID: msgID, into: &scratch)
        let encrypt = cipher.encrypt(Array(scratch.readableBytesView), prefix: prefix)
        let msgSignature = WeChatSignature.sign([token, timestamp, nonce, encrypt])
        buffer.writeBytes(requestLine)
        buffer.writeBytes(safeQuery)
        buffer.writeString(msgSignature)
        buffer.writeBytes(headersUpToLength)
        buffer.writeDecimal(UInt64(encryptPrefix.count + encrypt.utf8.count + encryptSuffix.count))
        buffer.writeBytes(headerEnd)
        buffer.writeBytes(encryptPrefix)
        buffer.writeString(encrypt)
        buffer.writeBytes(encryptSuffix)
    }

    private static let success = Array("success".utf8)

    /// WeChat's acknowledgement: exactly `success` (a passive reply or anything else is wrong here).
    static func isSuccess(_ body: ByteBuffer?) -> Bool {
        guard let body else { return false }
        return body.readableBytesView.elementsEqual(success)
    }
}

/// SplitMix64: the 16-byte random prefix of each safe-mode plaintext needs no cryptographic quality
/// in a benchmark, and `SystemRandomNumberGenerator` would cost a syscall per call in the hot loop.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func fill(_ bytes: inout [UInt8]) {
        var index = 0
        while index < bytes.count {
            var word = next()
            for _ in 0..<8 where index < bytes.count {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
    }
}
