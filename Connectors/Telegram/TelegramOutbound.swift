import Foundation
import ParleyCore

/// The Bot API calls one outbound message becomes (CHANNELS.md §2.3): long text is split into
/// several `sendMessage` calls; media goes by the `file_id` Telegram already has (or a public
/// URL Telegram fetches itself), with a caption that fits or, when it does not, the caption
/// as text after it.
enum TelegramOutbound {
    struct Call: Equatable {
        var method: String
        var body: Body
    }

    /// Every field any of our calls uses; unset fields are left out of the JSON.
    struct Body: Encodable, Equatable {
        var chat_id: ChatID
        var text: String?
        var photo: String?
        var audio: String?
        var video: String?
        var document: String?
        var sticker: String?
        var caption: String?
        var latitude: Double?
        var longitude: Double?
        var title: String?
        var address: String?

        init(chat: ChatID) { chat_id = chat }
    }

    /// A numeric chat id goes as a JSON number, a `@channelusername` as a string.
    enum ChatID: Encodable, Equatable {
        case number(Int64)
        case name(String)

        init(_ recipient: String) {
            self = Int64(recipient).map(ChatID.number) ?? .name(recipient)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .number(let id): try container.encode(id)
            case .name(let name): try container.encode(name)
            }
        }
    }

    /// The Bot API's caption limit (python-telegram-bot `MessageLimit.CAPTION_LENGTH`).
    static let captionLimit = 1024

    static func calls(for delivery: OutboundDelivery, textLimit: TextLimit) -> Result<[Call], SendFailure> {
        let chat = ChatID(delivery.recipient)
        switch delivery.content {
        case .text(let text):
            return .success(textCalls(text, chat: chat, limit: textLimit))
        case .image(let media):
            return mediaCalls(media, kind: "photo", method: "sendPhoto", chat: chat, limit: textLimit) { $0.photo = $1 }
        case .audio(let media, _):
            return mediaCalls(media, kind: "audio", method: "sendAudio", chat: chat, limit: textLimit) { $0.audio = $1 }
        case .video(let media):
            return mediaCalls(media, kind: "video", method: "sendVideo", chat: chat, limit: textLimit) { $0.video = $1 }
        case .file(let media):
            return mediaCalls(media, kind: "file", method: "sendDocument", chat: chat, limit: textLimit) { $0.document = $1 }
        case .location(let latitude, let longitude, let name, let address):
            var body = Body(chat: chat)
            body.latitude = latitude
            body.longitude = longitude
            // A named place with an address is what `sendVenue` shows; a bare pin is `sendLocation`.
            if let name, let address, !name.isEmpty, !address.isEmpty {
                body.title = name
                body.address = address
                return .success([Call(method: "sendVenue", body: body)])
            }
            return .success([Call(method: "sendLocation", body: body)])
        case .sticker(let id, _):
            var body = Body(chat: chat)
            body.sticker = id
            return .success([Call(method: "sendSticker", body: body)])
        case .contactCard, .event, .template, .unsupported:
            return .failure(SendFailure(
                "Telegram replies can carry text, images, audio, video, files, locations or stickers; not \(delivery.content.kind.rawValue)"
            ))
        }
    }

    struct SendFailure: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private static func textCalls(_ text: String, chat: ChatID, limit: TextLimit) -> [Call] {
        pieces(of: text, limit: limit).map { piece in
            var body = Body(chat: chat)
            body.text = piece
            return Call(method: "sendMessage", body: body)
        }
    }

    /// The policy's split, then each piece cut again where it exceeds the limit in UTF-16 code
    /// units: the unit Telegram counts entities in, and where an emoji counts twice or more
    /// (UNVERIFIED that the 4,096 limit counts them so; splitting early is harmless).
    static func pieces(of text: String, limit: TextLimit) -> [String] {
        let policyPieces = limit.split(text)
        guard case .characters(let maximum) = limit else { return policyPieces }
        return policyPieces.flatMap { piece -> [String] in
            guard piece.utf16.count > maximum else { return [piece] }
            var result: [String] = []
            var current = ""
            var units = 0
            for character in piece {
                let size = character.utf16.count
                if units + size > maximum, !current.isEmpty {
                    result.append(current)
                    current = ""
                    units = 0
                }
                current.append(character)
                units += size
            }
            if !current.isEmpty { result.append(current) }
            return result
        }
    }

    private static func mediaCalls(
        _ media: MediaReference, kind: String, method: String, chat: ChatID, limit: TextLimit,
        attach: (inout Body, String) -> Void
    ) -> Result<[Call], SendFailure> {
        let file: String
        if media.location.hasPrefix(TelegramInbound.fileScheme) {
            file = String(media.location.dropFirst(TelegramInbound.fileScheme.count))
        } else if media.location.hasPrefix("https://") || media.location.hasPrefix("http://") {
            file = media.location
        } else {
            return .failure(SendFailure(
                "a Telegram \(kind) reply needs a file Telegram already has (telegram-file:) or a public http(s) URL; uploading files is not supported yet"
            ))
        }
        var body = Body(chat: chat)
        attach(&body, file)
        guard let caption = media.caption, !caption.isEmpty else { return .success([Call(method: method, body: body)]) }
        if caption.utf16.count <= captionLimit {
            body.caption = caption
            return .success([Call(method: method, body: body)])
        }
        return .success([Call(method: method, body: body)] + textCalls(caption, chat: chat, limit: limit))
    }

    static func encode(_ body: Body) -> [UInt8]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(body)).map(Array.init)
    }
}
