import Foundation
import ParleyCore

/// Turns one decoded update into the normalized events the gateway stores.
///
/// Choices worth knowing:
/// - the dedupe key is `update_id` (CHANNELS.md §2.2); an edit is `edit:<update_id>`, so it is
///   stored as a message of its own and never replaces what the customer first wrote;
/// - the customer is the **chat** (`chat.id`), since replies go to the chat; in a private chat
///   that is the user's id, in a group the group's;
/// - media carries the reusable `file_id` (`telegram-file:<file_id>`), downloaded on receipt
///   because the bot-side download link is only guaranteed for an hour;
/// - an update kind or message content Parley does not read becomes `.unsupported` with its
///   field name, so the agent sees that something arrived; an update that names no chat or
///   user at all (`poll`, `chat_boost`…) concerns no customer and produces no event.
enum TelegramInbound {
    static let fileScheme = "telegram-file:"

    static func events(from update: TelegramUpdate, now: Date) throws(ConnectorError) -> [InboundEvent] {
        let updateID = String(update.updateID)
        if let message = update.message {
            return [.message(try inbound(message, platformID: updateID, sentAt: message.date))]
        }
        if let edited = update.editedMessage {
            return [.message(try inbound(edited, platformID: "edit:\(updateID)", sentAt: edited.edit_date ?? edited.date))]
        }
        if let query = update.callbackQuery {
            return [.message(InboundMessage(
                externalUserID: String(query.message?.chat.id ?? query.from.id), displayName: query.from.displayName,
                platformMessageID: updateID, content: .event(name: "callback", payload: query.data), sentAt: now
            ))]
        }
        if let change = update.myChatMember {
            let content: MessageContent
            switch (change.old_chat_member?.status, change.new_chat_member.status) {
            case (_, "kicked"): content = .event(name: "blocked", payload: nil)
            case ("kicked", "member"): content = .event(name: "unblocked", payload: nil)
            default: content = .unsupported(rawType: "my_chat_member")
            }
            return [.message(InboundMessage(
                externalUserID: String(change.chat.id), displayName: displayName(chat: change.chat, from: change.from),
                platformMessageID: updateID, content: content, sentAt: date(change.date)
            ))]
        }
        guard let kind = update.kind else { throw .malformedPayload("the update carries nothing besides update_id") }
        let other = update.other
        let person = other?.from ?? other?.user
        guard let chatID = other?.chat?.id ?? other?.message?.chat.id ?? person?.id else { return [] }
        return [.message(InboundMessage(
            externalUserID: String(chatID), displayName: other?.chat.map { displayName(chat: $0, from: person) } ?? person?.displayName,
            platformMessageID: updateID, content: .unsupported(rawType: kind), sentAt: other?.date.map(date) ?? now
        ))]
    }

    private static func inbound(_ message: TelegramMessage, platformID: String, sentAt: Int64) throws(ConnectorError) -> InboundMessage {
        InboundMessage(
            externalUserID: String(message.chat.id), displayName: displayName(chat: message.chat, from: message.from),
            platformMessageID: platformID, content: try content(of: message), sentAt: date(sentAt)
        )
    }

    /// The person in a private chat; the group's title in a group, since the contact is the group.
    private static func displayName(chat: TelegramChat, from: TelegramUser?) -> String? {
        if chat.type == nil || chat.type == "private" { return from?.displayName ?? chat.title }
        return chat.title ?? from?.displayName
    }

    static func content(of message: TelegramMessage) throws(ConnectorError) -> MessageContent {
        let caption = message.caption.flatMap { $0.isEmpty ? nil : $0 }
        if let text = message.text { return .text(text) }
        // An animation also comes with a `document` copy for old clients: it must win.
        if let animation = message.animation { return .video(media(animation, mimeType: "video/mp4", caption: caption)) }
        if let sizes = message.photo {
            guard let largest = sizes.max(by: { area($0) < area($1) }) else { throw .malformedPayload("message.photo is empty") }
            return .image(MediaReference(location: fileScheme + largest.file_id, mimeType: "image/jpeg", caption: caption))
        }
        if let video = message.video { return .video(media(video, mimeType: "video/mp4", caption: caption)) }
        if let note = message.video_note { return .video(media(note, mimeType: "video/mp4", caption: caption)) }
        if let voice = message.voice { return .audio(media(voice, mimeType: "audio/ogg", caption: caption), transcript: nil) }
        if let audio = message.audio { return .audio(media(audio, mimeType: "audio/mpeg", caption: caption), transcript: nil) }
        if let document = message.document { return .file(media(document, mimeType: nil, caption: caption)) }
        // The file id both sends the same sticker back and, as the URL, downloads its image.
        if let sticker = message.sticker { return .sticker(id: sticker.file_id, url: fileScheme + sticker.file_id) }
        // A venue also carries its `location`: the venue has the name and address.
        if let venue = message.venue {
            return .location(
                latitude: venue.location.latitude, longitude: venue.location.longitude, name: nonEmpty(venue.title),
                address: nonEmpty(venue.address)
            )
        }
        if let location = message.location {
            return .location(latitude: location.latitude, longitude: location.longitude, name: nil, address: nil)
        }
        if let contact = message.contact {
            let name = [contact.first_name, contact.last_name ?? ""].filter { !$0.isEmpty }.joined(separator: " ")
            return .contactCard(name: name, phones: [contact.phone_number])
        }
        let content = message.fieldNames.filter { !envelopeFields.contains($0) }.sorted()
        return .unsupported(rawType: content.first ?? "message")
    }

    /// Fields any message may carry that say nothing about what kind of message it is.
    private static let envelopeFields: Set<String> = [
        "message_id", "message_thread_id", "date", "edit_date", "chat", "from", "sender_chat", "sender_boost_count",
        "sender_business_bot", "business_connection_id", "forward_origin", "is_topic_message", "is_automatic_forward",
        "reply_to_message", "external_reply", "quote", "reply_to_story", "via_bot", "has_protected_content", "is_from_offline",
        "media_group_id", "author_signature", "paid_star_count", "entities", "caption", "caption_entities",
        "link_preview_options", "effect_id", "show_caption_above_media", "has_media_spoiler", "reply_markup",
    ]

    private static func media(_ file: TelegramFile, mimeType: String?, caption: String?) -> MediaReference {
        MediaReference(
            location: fileScheme + file.file_id, mimeType: nonEmpty(file.mime_type) ?? mimeType, fileName: nonEmpty(file.file_name),
            caption: caption
        )
    }

    /// Telegram lists sizes smallest first, but the order is not promised: pick by pixels, then bytes.
    private static func area(_ size: TelegramPhotoSize) -> (Int, Int) {
        ((size.width ?? 0) * (size.height ?? 0), size.file_size ?? 0)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        text.flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func date(_ seconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
