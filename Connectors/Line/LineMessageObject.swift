import ParleyCore

/// One LINE message object of a push or reply (`messages[]`, line-openapi `messaging-api.yml`).
enum LineMessageObject: Encodable, Equatable {
    case text(String)
    case image(originalContentURL: String, previewImageURL: String)
    case sticker(packageID: String, stickerID: String)
    case location(title: String, address: String, latitude: Double, longitude: Double)

    private enum Key: String, CodingKey {
        case type, text, originalContentUrl, previewImageUrl, packageId, stickerId, title, address, latitude, longitude
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .image(let original, let preview):
            try container.encode("image", forKey: .type)
            try container.encode(original, forKey: .originalContentUrl)
            try container.encode(preview, forKey: .previewImageUrl)
        case .sticker(let package, let sticker):
            try container.encode("sticker", forKey: .type)
            try container.encode(package, forKey: .packageId)
            try container.encode(sticker, forKey: .stickerId)
        case .location(let title, let address, let latitude, let longitude):
            try container.encode("location", forKey: .type)
            try container.encode(title, forKey: .title)
            try container.encode(address, forKey: .address)
            try container.encode(latitude, forKey: .latitude)
            try container.encode(longitude, forKey: .longitude)
        }
    }

    /// Why `content` cannot go to LINE as it is; shown to the agent.
    struct Refusal: Error, Equatable {
        var reason: String
    }

    /// The message objects that carry `content`: long text split at the channel's limit.
    static func objects(for content: MessageContent, textLimit: TextLimit) -> Result<[LineMessageObject], Refusal> {
        switch content {
        case .text(let text):
            return .success(textLimit.split(text).map(LineMessageObject.text))
        case .image(let media):
            guard isPublicHTTPS(media.location) else {
                return .failure(Refusal(reason: media.location.hasPrefix(LineEvents.contentScheme)
                    ? "LINE can't send an image from a received line-content: id; it needs a public https URL"
                    : "LINE sends images only from a public https URL, not \(media.location)"))
            }
            return .success([.image(originalContentURL: media.location, previewImageURL: media.location)])
        case .video:
            return .failure(Refusal(reason: "LINE needs a video's https URL and a preview image, which Parley doesn't have; send a link instead"))
        case .audio:
            return .failure(Refusal(reason: "LINE needs an audio file's https URL and its duration, which Parley doesn't have; send a link instead"))
        case .file:
            return .failure(Refusal(reason: "the LINE Messaging API can't send files; send a link instead"))
        case .sticker(let id, _):
            let parts = id.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                return .failure(Refusal(reason: "a LINE sticker id is 'packageId/stickerId', not '\(id)'"))
            }
            return .success([.sticker(packageID: String(parts[0]), stickerID: String(parts[1]))])
        case .location(let latitude, let longitude, let name, let address):
            // LINE requires both title and address (≤ 100 characters each).
            let title = String((name ?? address ?? "Location").prefix(100))
            let place = String((address ?? "\(latitude), \(longitude)").prefix(100))
            return .success([.location(title: title, address: place, latitude: latitude, longitude: longitude)])
        case .contactCard, .event, .template, .unsupported:
            return .failure(Refusal(reason: "LINE messages can carry text, images, stickers or locations; not \(content.kind.rawValue)"))
        }
    }

    private static func isPublicHTTPS(_ location: String) -> Bool {
        location.lowercased().hasPrefix("https://") && location.count > "https://".count
    }
}
