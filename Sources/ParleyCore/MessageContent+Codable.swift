import Foundation

/// Stored and served as `{"type": "...", ...fields}` so clients can switch on `type`.
extension MessageContent: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, text, media, transcript, latitude, longitude, name, address, id, url, phones
        case payload, language, parameters, rawType
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(ContentKind.self, forKey: .type)
        switch kind {
        case .text: self = .text(try container.decode(String.self, forKey: .text))
        case .image: self = .image(try container.decode(MediaReference.self, forKey: .media))
        case .audio:
            self = .audio(
                try container.decode(MediaReference.self, forKey: .media),
                transcript: try container.decodeIfPresent(String.self, forKey: .transcript)
            )
        case .video: self = .video(try container.decode(MediaReference.self, forKey: .media))
        case .file: self = .file(try container.decode(MediaReference.self, forKey: .media))
        case .location:
            self = .location(
                latitude: try container.decode(Double.self, forKey: .latitude),
                longitude: try container.decode(Double.self, forKey: .longitude),
                name: try container.decodeIfPresent(String.self, forKey: .name),
                address: try container.decodeIfPresent(String.self, forKey: .address)
            )
        case .sticker:
            self = .sticker(
                id: try container.decode(String.self, forKey: .id),
                url: try container.decodeIfPresent(String.self, forKey: .url)
            )
        case .contactCard:
            self = .contactCard(
                name: try container.decode(String.self, forKey: .name),
                phones: try container.decodeIfPresent([String].self, forKey: .phones) ?? []
            )
        case .event:
            self = .event(
                name: try container.decode(String.self, forKey: .name),
                payload: try container.decodeIfPresent(String.self, forKey: .payload)
            )
        case .template:
            self = .template(
                name: try container.decode(String.self, forKey: .name),
                language: try container.decodeIfPresent(String.self, forKey: .language),
                parameters: try container.decodeIfPresent([String].self, forKey: .parameters) ?? []
            )
        case .unsupported:
            self = .unsupported(rawType: try container.decode(String.self, forKey: .rawType))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .type)
        switch self {
        case .text(let text):
            try container.encode(text, forKey: .text)
        case .image(let media), .video(let media), .file(let media):
            try container.encode(media, forKey: .media)
        case .audio(let media, let transcript):
            try container.encode(media, forKey: .media)
            try container.encodeIfPresent(transcript, forKey: .transcript)
        case .location(let latitude, let longitude, let name, let address):
            try container.encode(latitude, forKey: .latitude)
            try container.encode(longitude, forKey: .longitude)
            try container.encodeIfPresent(name, forKey: .name)
            try container.encodeIfPresent(address, forKey: .address)
        case .sticker(let id, let url):
            try container.encode(id, forKey: .id)
            try container.encodeIfPresent(url, forKey: .url)
        case .contactCard(let name, let phones):
            try container.encode(name, forKey: .name)
            try container.encode(phones, forKey: .phones)
        case .event(let name, let payload):
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(payload, forKey: .payload)
        case .template(let name, let language, let parameters):
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(language, forKey: .language)
            try container.encode(parameters, forKey: .parameters)
        case .unsupported(let rawType):
            try container.encode(rawType, forKey: .rawType)
        }
    }
}
