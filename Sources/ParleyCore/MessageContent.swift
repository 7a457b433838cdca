import Foundation

/// A reference to a media file: where it can be fetched and what it is.
public struct MediaReference: Sendable, Equatable, Codable {
    /// A URL, or a platform media id the connector knows how to fetch.
    public var location: String
    public var mimeType: String?
    public var fileName: String?
    public var caption: String?

    public init(location: String, mimeType: String? = nil, fileName: String? = nil, caption: String? = nil) {
        self.location = location
        self.mimeType = mimeType
        self.fileName = fileName
        self.caption = caption
    }
}

/// The normalized body of a message, whatever channel it came from.
public enum MessageContent: Sendable, Equatable {
    case text(String)
    case image(MediaReference)
    case audio(MediaReference, transcript: String?)
    case video(MediaReference)
    case file(MediaReference)
    case location(latitude: Double, longitude: Double, name: String?, address: String?)
    case sticker(id: String, url: String?)
    case contactCard(name: String, phones: [String])
    /// A platform event worth showing in the thread (subscribe, postback, menu click...).
    case event(name: String, payload: String?)
    case template(name: String, language: String?, parameters: [String])
    /// Anything the connector does not understand, kept with its raw type name.
    case unsupported(rawType: String)

    public var kind: ContentKind {
        switch self {
        case .text: .text
        case .image: .image
        case .audio: .audio
        case .video: .video
        case .file: .file
        case .location: .location
        case .sticker: .sticker
        case .contactCard: .contactCard
        case .event: .event
        case .template: .template
        case .unsupported: .unsupported
        }
    }

    /// A one-line text for previews, notifications and search.
    public var previewText: String {
        switch self {
        case .text(let text): text
        case .image(let media): media.caption ?? "[image]"
        case .audio(_, let transcript): transcript ?? "[audio]"
        case .video(let media): media.caption ?? "[video]"
        case .file(let media): media.fileName ?? "[file]"
        case .location(_, _, let name, let address): name ?? address ?? "[location]"
        case .sticker: "[sticker]"
        case .contactCard(let name, _): "[contact] \(name)"
        case .event(let name, _): "[\(name)]"
        case .template(let name, _, _): "[template] \(name)"
        case .unsupported(let rawType): "[unsupported: \(rawType)]"
        }
    }
}

/// The kinds of content, for policies and filters.
public enum ContentKind: String, Sendable, Codable, CaseIterable {
    case text, image, audio, video, file, location, sticker, contactCard, event, template, unsupported
}
