/// What libcurl's callbacks read and write during one transfer: the message going up (the read
/// callback) and the server's reply lines coming back (the header callback, which libcurl calls
/// with every SMTP response line). Used only on the transfer's thread, so it needs no lock and
/// is not Sendable.
final class CurlUpload {
    private let message: [UInt8]
    private var offset = 0
    private(set) var replyLines: [String] = []

    init(message: [UInt8]) {
        self.message = message
    }

    /// Copies the next bytes of the message into libcurl's buffer; 0 means the end.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int {
        let count = min(capacity, message.count - offset)
        guard count > 0 else { return 0 }
        message.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }

    func recordReply(_ bytes: UnsafeRawBufferPointer) {
        var line = String(decoding: bytes, as: UTF8.self)
        while line.last == "\r\n" || line.last == "\n" || line.last == "\r" { line.removeLast() }
        replyLines.append(line)
    }

    /// The server's last reply with this code, its continuation lines (`550-...`) joined with
    /// spaces. libcurl reports the code of the last reply before QUIT; QUIT's own "221" comes
    /// later, so the search runs backwards for the code rather than taking the last line.
    func lastReply(code: Int) -> String? {
        let final = "\(code) ", continuation = "\(code)-"
        guard let end = replyLines.lastIndex(where: { $0.hasPrefix(final) || $0 == "\(code)" }) else { return nil }
        var start = end
        while start > replyLines.startIndex, replyLines[start - 1].hasPrefix(continuation) { start -= 1 }
        return replyLines[start...end].enumerated().map { index, line in
            index == 0 ? line : String(line.dropFirst(4))
        }.joined(separator: " ")
    }
}
