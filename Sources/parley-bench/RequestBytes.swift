import NIOCore
import NIOHTTP1

/// Requests are serialised by hand, once, into raw bytes. The hot loop then only copies bytes (or, for
/// GET, re-sends the very same buffer), instead of building `HTTPHeaders` and running the HTTP encoder
/// for identical headers tens of thousands of times a second on cores shared with the server.
enum RequestBytes {
    /// Heads handed to the response decoder so it can match responses to requests (see
    /// `PreEncodedRequestWriter`). Only the method matters to it; the URI is never looked at.
    static let getHead = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
    static let postHead = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")

    static func get(path: String, host: String) -> ByteBuffer {
        ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nAccept: */*\r\n\r\n")
    }

    /// A JSON POST with a fixed body (setup calls such as opening a visitor session).
    static func postJSON(path: String, host: String, body: String) -> ByteBuffer {
        ByteBuffer(
            string: "POST \(path) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        )
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters, so a channel id can never
    /// change the shape of the request line.
    static func pathSegment(_ raw: String) -> String {
        var out = ""
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    /// A bearer token goes into a header verbatim; anything outside visible ASCII could smuggle in a
    /// CR/LF, so such tokens are refused rather than sent.
    static func isHeaderSafe(_ token: String) -> Bool {
        !token.isEmpty && token.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}

/// One connection's `POST /hooks/{channel}` request, split into the parts that never change (computed
/// once per connection) and the sequence number (written per message). Only the digits differ between
/// messages, so per-request work is a few memcpys and an integer-to-ASCII conversion.
struct IngestRequestTemplate {
    private let headUpToLength: [UInt8]
    private let bodyPrefix: [UInt8]
    private let bodyMiddle: [UInt8] = Array(#"","text":"bench message "#.utf8)
    private let bodySuffix: [UInt8] = Array(#""}"#.utf8)
    private let headerEnd: [UInt8] = Array("\r\n\r\n".utf8)

    /// `token` must satisfy `RequestBytes.isHeaderSafe`; `runID` must need no JSON escaping (it is hex).
    init(channelID: String, host: String, token: String, runID: String, connection: Int) {
        headUpToLength = Array(
            ("POST /hooks/\(RequestBytes.pathSegment(channelID)) HTTP/1.1\r\nHost: \(host)\r\n"
                + "Authorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: ").utf8
        )
        bodyPrefix = Array(#"{"clientId":"bench-\#(runID)-\#(connection)-"#.utf8)
    }

    /// Writes the complete request for message `seq`:
    /// `{"clientId":"bench-<run>-<conn>-<seq>","text":"bench message <seq>"}`.
    func write(seq: UInt64, into buffer: inout ByteBuffer) {
        let digits = ByteBuffer.decimalDigitCount(seq)
        let bodyLength = bodyPrefix.count + digits + bodyMiddle.count + digits + bodySuffix.count
        buffer.writeBytes(headUpToLength)
        buffer.writeDecimal(UInt64(bodyLength))
        buffer.writeBytes(headerEnd)
        buffer.writeBytes(bodyPrefix)
        buffer.writeDecimal(seq)
        buffer.writeBytes(bodyMiddle)
        buffer.writeDecimal(seq)
        buffer.writeBytes(bodySuffix)
    }
}
