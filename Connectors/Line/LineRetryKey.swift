import Crypto
import ParleyCore

/// The `X-Line-Retry-Key` of one push request: a name-based (version 5, RFC 4122) UUID, so
/// every retry of the same outbound message carries the same key and LINE delivers it once,
/// answering 409 to the repeats (CHANNELS.md §5.3).
///
/// The name is `parley-line-<channel id>-<message id>-<part>`. The channel id is random per
/// configured channel, so a rebuilt database, whose message ids start again at 1, can never
/// reuse a key LINE still remembers for the same LINE channel. `part` numbers the requests of
/// one message that needs several (more than five message objects).
enum LineRetryKey {
    /// RFC 4122's URL namespace (`6ba7b811-9dad-11d1-80b4-00c04fd430c8`).
    private static let namespace: [UInt8] = [
        0x6B, 0xA7, 0xB8, 0x11, 0x9D, 0xAD, 0x11, 0xD1, 0x80, 0xB4, 0x00, 0xC0, 0x4F, 0xD4, 0x30, 0xC8,
    ]

    static func key(channel: ChannelID, message: MessageID, part: Int) -> String {
        uuid(name: "parley-line-\(channel.rawValue)-\(message.rawValue)-\(part)")
    }

    static func uuid(name: String) -> String {
        var bytes = Array(Insecure.SHA1.hash(data: namespace + Array(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
