import Crypto
import NIOCore

/// Twilio SMS webhooks (CHANNELS.md §6.1): a form POST of the inbound message's parameters, signed with
/// `X-Twilio-Signature` = Base64(HMAC-SHA1(auth token, URL + every parameter's name and value, sorted
/// by name, no separators)). The URL is the one Twilio was told to call, the server's
/// `PARLEY_PUBLIC_URL` plus the webhook path, so the bench signs over `--public-url`, never over the
/// address it connects to.
///
/// The parameters are listed once, in the order Twilio posts them; the form and the signed string are
/// both derived from that list, so they cannot disagree. The signed string's start (URL and the
/// parameters sorting before `Body`) is the same for every message and hashed once per connection.
struct TwilioRequests: WebhookRequestTemplate {
    static let signatureHeader = "X-Twilio-Signature"

    /// A parameter's value: fixed for the connection, or the message's own.
    private enum Value {
        case fixed(String)
        /// `SM` and 32 hex digits: the message's `BenchMessageID`, then the sender's number.
        case messageSid
        /// `bench message <seq>`.
        case body
    }

    /// Literal bytes, or a per-message value written in place.
    private enum Piece {
        case bytes([UInt8])
        case messageSid
        case body
    }

    private let head: WebhookHead
    private let signer: WebhookSigner<Insecure.SHA1>
    /// `ToCountry=US&…`, percent-encoded.
    private let form: [Piece]
    /// The signed string after its fixed start, which `signer` has already absorbed.
    private let signed: [Piece]
    private let sidSuffix: [UInt8]
    private let bodyPrefixSigned = Array("bench message ".utf8)
    private let bodyPrefixForm = Array("bench+message+".utf8)
    private var formBuffer = ByteBuffer()
    private var signedBuffer = ByteBuffer()

    /// The connection is one mobile number texting the channel's number.
    init(_ connection: WebhookConnection, authToken: String, publicURL: String) {
        let from = "+1" + connection.run.senderDigits(connection: connection.index, width: 14)
        // An inbound SMS as Twilio posts it (twilio.com/docs/messaging/guides/webhook-request).
        let parameters: [(name: String, value: Value)] = [
            ("ToCountry", .fixed("US")), ("ToState", .fixed("CA")), ("SmsMessageSid", .messageSid), ("NumMedia", .fixed("0")),
            ("ToCity", .fixed("SAN FRANCISCO")), ("FromZip", .fixed("94105")), ("SmsSid", .messageSid), ("FromState", .fixed("CA")),
            ("SmsStatus", .fixed("received")), ("FromCity", .fixed("SAN FRANCISCO")), ("Body", .body), ("FromCountry", .fixed("US")),
            ("To", .fixed("+15005550006")), ("ToZip", .fixed("94105")), ("NumSegments", .fixed("1")), ("MessageSid", .messageSid),
            ("AccountSid", .fixed("AC" + String(repeating: "0", count: 24) + connection.run.id)), ("From", .fixed(from)),
            ("ApiVersion", .fixed("2010-04-01")),
        ]

        var form: [Piece] = []
        for (index, parameter) in parameters.enumerated() {
            Self.append(Array(((index == 0 ? "" : "&") + Self.formEscaped(parameter.name) + "=").utf8), to: &form)
            switch parameter.value {
            case .fixed(let text): Self.append(Array(Self.formEscaped(text).utf8), to: &form)
            case .messageSid: form.append(.messageSid)
            case .body: form.append(.body)
            }
        }
        self.form = form

        // Names are distinct, so sorting by name (code points, as twilio-python's `sorted`) is the order.
        var signed: [Piece] = []
        Self.append(Array((publicURL + "/hooks/" + RequestBytes.pathSegment(connection.channelID)).utf8), to: &signed)
        for parameter in parameters.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            Self.append(Array(parameter.name.utf8), to: &signed)
            switch parameter.value {
            case .fixed(let text): Self.append(Array(text.utf8), to: &signed)
            case .messageSid: signed.append(.messageSid)
            case .body: signed.append(.body)
            }
        }
        var signer = WebhookSigner<Insecure.SHA1>(secret: authToken)
        if case .bytes(let start) = signed.first {
            signer.absorb(prefix: start)
            signed.removeFirst()
        }
        self.signer = signer
        self.signed = signed

        var sid = ByteBuffer()
        sid.writeHex(connection.run.senderNumber(connection: connection.index), digits: 16)
        sidSuffix = Array(sid.readableBytesView)
        head = WebhookHead(
            channelID: connection.channelID, host: connection.host, contentType: "application/x-www-form-urlencoded",
            signatureHeader: Self.signatureHeader
        )
        formBuffer.reserveCapacity(1024)
        signedBuffer.reserveCapacity(1024)
    }

    mutating func write(seq: UInt64, messageID: UInt64, into buffer: inout ByteBuffer) {
        formBuffer.clear()
        signedBuffer.clear()
        write(form, seq: seq, messageID: messageID, bodyPrefix: bodyPrefixForm, into: &formBuffer)
        write(signed, seq: seq, messageID: messageID, bodyPrefix: bodyPrefixSigned, into: &signedBuffer)
        let code = signer.code(for: signedBuffer)
        head.write(body: formBuffer, into: &buffer) { $0.writeBase64(code) }
    }

    /// `bodyPrefix` is `bench message ` as the form spells it or as it is signed (decoded).
    private func write(_ pieces: [Piece], seq: UInt64, messageID: UInt64, bodyPrefix: [UInt8], into buffer: inout ByteBuffer) {
        for piece in pieces {
            switch piece {
            case .bytes(let bytes):
                buffer.writeBytes(bytes)
            case .messageSid:
                buffer.writeStaticString("SM")
                buffer.writeHex(messageID, digits: 16)
                buffer.writeBytes(sidSuffix)
            case .body:
                buffer.writeBytes(bodyPrefix)
                buffer.writeDecimal(seq)
            }
        }
    }

    /// Appends literal bytes, merged into the previous piece when that is literal too.
    private static func append(_ bytes: [UInt8], to pieces: inout [Piece]) {
        if case .bytes(let previous) = pieces.last {
            pieces[pieces.count - 1] = .bytes(previous + bytes)
        } else {
            pieces.append(.bytes(bytes))
        }
    }

    /// `application/x-www-form-urlencoded` as Twilio (and Python's `urlencode`) write it: unreserved
    /// characters as they are, space as `+`, everything else `%XX`.
    private static func formEscaped(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.append(byte)
            case UInt8(ascii: " "):
                output.append(UInt8(ascii: "+"))
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
