import Foundation

/// One webhook body: a Bot API `Update` (field names from python-telegram-bot's `Update`,
/// `Message`, `CallbackQuery` and `ChatMemberUpdated`). Exactly one optional field besides
/// `update_id` is set; `kind` names it, so an update type Parley does not read is still
/// recognised by name.
struct TelegramUpdate: Decodable {
    var updateID: Int64
    /// The field that carries the update (`message`, `callback_query`, `poll`…).
    var kind: String?
    var message: TelegramMessage?
    var editedMessage: TelegramMessage?
    var callbackQuery: TelegramCallbackQuery?
    var myChatMember: TelegramChatMemberUpdated?
    /// Whatever chat or user an update of another kind mentions, so it can still be filed
    /// under the right customer.
    var other: TelegramAnyUpdate?

    private static let knownKinds: Set<String> = ["message", "edited_message", "callback_query", "my_chat_member"]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        updateID = try container.decode(Int64.self, forKey: AnyKey("update_id"))
        // Sorted so that a (never seen) update with two payload fields is read the same way every time.
        let kinds = container.allKeys.map(\.stringValue).filter { $0 != "update_id" }.sorted()
        kind = kinds.first(where: Self.knownKinds.contains) ?? kinds.first
        message = try container.decodeIfPresent(TelegramMessage.self, forKey: AnyKey("message"))
        editedMessage = try container.decodeIfPresent(TelegramMessage.self, forKey: AnyKey("edited_message"))
        callbackQuery = try container.decodeIfPresent(TelegramCallbackQuery.self, forKey: AnyKey("callback_query"))
        myChatMember = try container.decodeIfPresent(TelegramChatMemberUpdated.self, forKey: AnyKey("my_chat_member"))
        if let kind, !Self.knownKinds.contains(kind) {
            other = try? container.decodeIfPresent(TelegramAnyUpdate.self, forKey: AnyKey(kind))
        }
    }
}

struct TelegramUser: Decodable {
    var id: Int64
    var first_name: String?
    var last_name: String?
    var username: String?

    /// "First Last", else "@username".
    var displayName: String? {
        let name = [first_name, last_name].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        if !name.isEmpty { return name }
        return username.flatMap { $0.isEmpty ? nil : "@\($0)" }
    }
}

struct TelegramChat: Decodable {
    var id: Int64
    var type: String?
    var title: String?
}

struct TelegramMessage: Decodable {
    var message_id: Int64
    var date: Int64
    var edit_date: Int64?
    var chat: TelegramChat
    var from: TelegramUser?
    var text: String?
    var caption: String?
    var photo: [TelegramPhotoSize]?
    var voice: TelegramFile?
    var audio: TelegramFile?
    var video: TelegramFile?
    var video_note: TelegramFile?
    var animation: TelegramFile?
    var document: TelegramFile?
    var sticker: TelegramFile?
    var location: TelegramLocation?
    var venue: TelegramVenue?
    var contact: TelegramContact?
    /// Every field name present, to name content Parley does not read (`dice`, `poll`…).
    var fieldNames: [String]

    private enum CodingKeys: String, CodingKey {
        case message_id, date, edit_date, chat, from, text, caption, photo, voice, audio, video, video_note, animation, document
        case sticker, location, venue, contact
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        message_id = try container.decode(Int64.self, forKey: .message_id)
        date = try container.decode(Int64.self, forKey: .date)
        edit_date = try container.decodeIfPresent(Int64.self, forKey: .edit_date)
        chat = try container.decode(TelegramChat.self, forKey: .chat)
        from = try container.decodeIfPresent(TelegramUser.self, forKey: .from)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        caption = try container.decodeIfPresent(String.self, forKey: .caption)
        photo = try container.decodeIfPresent([TelegramPhotoSize].self, forKey: .photo)
        voice = try container.decodeIfPresent(TelegramFile.self, forKey: .voice)
        audio = try container.decodeIfPresent(TelegramFile.self, forKey: .audio)
        video = try container.decodeIfPresent(TelegramFile.self, forKey: .video)
        video_note = try container.decodeIfPresent(TelegramFile.self, forKey: .video_note)
        animation = try container.decodeIfPresent(TelegramFile.self, forKey: .animation)
        document = try container.decodeIfPresent(TelegramFile.self, forKey: .document)
        sticker = try container.decodeIfPresent(TelegramFile.self, forKey: .sticker)
        location = try container.decodeIfPresent(TelegramLocation.self, forKey: .location)
        venue = try container.decodeIfPresent(TelegramVenue.self, forKey: .venue)
        contact = try container.decodeIfPresent(TelegramContact.self, forKey: .contact)
        // A flag set to false or null (SDKs serialize `group_chat_created: false` and the like)
        // is not the message's content.
        let all = try decoder.container(keyedBy: AnyKey.self)
        fieldNames = all.allKeys.filter { key in
            if (try? all.decodeNil(forKey: key)) == true { return false }
            return (try? all.decode(Bool.self, forKey: key)) != false
        }.map(\.stringValue)
    }
}

struct TelegramPhotoSize: Decodable {
    var file_id: String
    var width: Int?
    var height: Int?
    var file_size: Int?
}

/// The fields Parley reads from `Voice`, `Audio`, `Video`, `VideoNote`, `Animation`,
/// `Document` and `Sticker`: all carry a `file_id`, some a name and a MIME type.
struct TelegramFile: Decodable {
    var file_id: String
    var file_name: String?
    var mime_type: String?
    var file_size: Int?
}

struct TelegramLocation: Decodable {
    var latitude: Double
    var longitude: Double
}

struct TelegramVenue: Decodable {
    var location: TelegramLocation
    var title: String?
    var address: String?
}

struct TelegramContact: Decodable {
    var phone_number: String
    var first_name: String
    var last_name: String?
}

/// A press on an inline keyboard button.
struct TelegramCallbackQuery: Decodable {
    var id: String
    var from: TelegramUser
    /// The message that carried the button; absent for inline-mode messages. Only its chat is
    /// read, which even an inaccessible message (`date` 0) still has.
    var message: ChatOnly?
    var data: String?

    struct ChatOnly: Decodable {
        var chat: TelegramChat
    }
}

/// The bot's own membership changed in a chat: in a private chat, `kicked` is the customer
/// blocking the bot and `member` after it is the customer unblocking it.
struct TelegramChatMemberUpdated: Decodable {
    var chat: TelegramChat
    var from: TelegramUser?
    var date: Int64
    var old_chat_member: Member?
    var new_chat_member: Member

    struct Member: Decodable {
        var status: String
    }
}

/// What an update of a kind Parley does not read may say about who it concerns.
struct TelegramAnyUpdate: Decodable {
    var chat: TelegramChat?
    var from: TelegramUser?
    var user: TelegramUser?
    var date: Int64?
    var message: TelegramCallbackQuery.ChatOnly?
}

/// A coding key for field names known only at run time.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
