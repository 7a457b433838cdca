/// The outcome of fetching one inbound media file from its platform.
public enum MediaDownload: Sendable, Equatable {
    case file(bytes: [UInt8], mimeType: String?)
    /// Temporary (timeout, 5xx, quota): try again later.
    case retryLater(reason: String)
    /// It will never download (expired or unknown id): the message keeps the platform reference.
    case failed(reason: String)
}

/// A connector whose platform hands out media ids that expire (WeChat: three days), so the
/// gateway must fetch the file on receipt and keep it.
public protocol MediaDownloadingConnector: ChannelConnector {
    /// Whether `media` is a platform reference this connector fetches.
    func mustDownload(_ media: MediaReference) -> Bool
    func download(_ media: MediaReference, transport: any HTTPTransport) async -> MediaDownload
}

extension MessageContent {
    /// The media file the message carries, if any.
    public var media: MediaReference? {
        switch self {
        case .image(let media), .video(let media), .file(let media), .audio(let media, _): media
        case .sticker(_, let url?): MediaReference(location: url)
        default: nil
        }
    }

    /// The same content pointing at another copy of its media.
    public func replacingMedia(with media: MediaReference) -> MessageContent {
        switch self {
        case .image: .image(media)
        case .video: .video(media)
        case .file: .file(media)
        case .audio(_, let transcript): .audio(media, transcript: transcript)
        case .sticker(let id, _): .sticker(id: id, url: media.location)
        default: self
        }
    }
}

extension MediaReference {
    /// Where agents fetch a file Parley keeps: the authenticated media route of the agent API.
    public static func stored(for message: MessageID) -> String { "/api/v1/media/\(message.rawValue)" }
}
