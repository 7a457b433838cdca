import NIOCore

/// The head of one connection's `POST /hooks/{channel}`: request line and fixed headers, serialised
/// once; per request only the signature header's value (when the platform signs) and Content-Length
/// are written.
struct WebhookHead {
    /// Request line, `Host`, `Content-Type`, fixed headers, then the signature header's name and any
    /// fixed start of its value (`X-Hub-Signature-256: sha256=`).
    private let upToSignature: [UInt8]
    /// `\r\nContent-Length: `, or just `Content-Length: ` when no header follows the fixed ones.
    private let lengthLabel: [UInt8]
    private let headerEnd: [UInt8] = Array("\r\n\r\n".utf8)

    /// Header names and values must be header-safe (`RequestBytes.isHeaderSafe`); callers check secrets
    /// that end up here before the run starts.
    init(
        channelID: String, host: String, contentType: String, fixedHeaders: [(name: String, value: String)] = [],
        signatureHeader: String? = nil, signaturePrefix: String = ""
    ) {
        var head = "POST /hooks/\(RequestBytes.pathSegment(channelID)) HTTP/1.1\r\nHost: \(host)\r\nContent-Type: \(contentType)\r\n"
        for header in fixedHeaders { head += "\(header.name): \(header.value)\r\n" }
        if let signatureHeader {
            head += "\(signatureHeader): \(signaturePrefix)"
            lengthLabel = Array("\r\nContent-Length: ".utf8)
        } else {
            lengthLabel = Array("Content-Length: ".utf8)
        }
        upToSignature = Array(head.utf8)
    }

    /// Writes the head and then `body`. `signature` writes the signature header's value (nothing for
    /// a head without one).
    func write(body: ByteBuffer, into buffer: inout ByteBuffer, signature: (inout ByteBuffer) -> Void = { _ in }) {
        buffer.writeBytes(upToSignature)
        signature(&buffer)
        buffer.writeBytes(lengthLabel)
        buffer.writeDecimal(UInt64(body.readableBytes))
        buffer.writeBytes(headerEnd)
        buffer.writeImmutableBuffer(body)
    }
}
