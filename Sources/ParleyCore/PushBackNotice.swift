import Foundation

/// The Web Push message that tells an away visitor a reply is waiting: the JSON the widget's
/// service worker turns into a notification (`title`, `body`, the `url` a click opens, a `tag`
/// so a newer notice for the same conversation replaces the older one on screen).
public struct PushBackNotice: Sendable, Equatable, Encodable {
    public var title: String
    public var body: String
    public var url: String
    public var tag: String
    public var conversationId: Int64
    public var messageIds: [Int64]

    /// RFC 8291 allows 4,096 bytes per record with padding and a 86-byte header; CJK text takes
    /// three bytes a character, so a thousand characters leave room for the rest.
    public static let maximumBodyCharacters = 1_000

    public init(businessName: String, replies: [Message], url: String, conversationID: ConversationID) {
        title = "New reply from \(businessName)"
        let text = replies.map(\.content.previewText).joined(separator: "\n")
        body = text.count > Self.maximumBodyCharacters ? String(text.prefix(Self.maximumBodyCharacters - 1)) + "…" : text
        self.url = url
        tag = "parley-conversation-\(conversationID.rawValue)"
        conversationId = conversationID.rawValue
        messageIds = replies.map(\.id.rawValue)
    }

    public var json: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only strings and integers: encoding cannot fail.
        return Array((try? encoder.encode(self)) ?? Data())
    }
}
