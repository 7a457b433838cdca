import Foundation
import MetaSigning
import ParleyCore

/// The JSON bodies of `POST /{version}/{phoneNumberId}/messages` (CHANNELS.md §3.3; WhatsApp
/// Node SDK `api/messages.ts`, `types/messages.ts`).
struct WhatsAppOutbound: Encodable {
    var messaging_product = "whatsapp"
    var recipient_type = "individual"
    var to: String
    var type: String
    var text: Text?
    var image: Media?
    var audio: Media?
    var video: Media?
    var document: Media?
    var location: Location?
    var template: Template?

    struct Text: Encodable {
        var body: String
        var preview_url = false
    }

    /// An uploaded media `id` or a public https `link`.
    struct Media: Encodable {
        var id: String?
        var link: String?
        var caption: String?
        var filename: String?
    }

    struct Location: Encodable {
        var latitude: Double
        var longitude: Double
        var name: String?
        var address: String?
    }

    struct Template: Encodable {
        struct Language: Encodable { var code: String }
        struct Component: Encodable {
            var type = "body"
            var parameters: [Parameter]
        }
        struct Parameter: Encodable {
            var type = "text"
            var text: String
        }
        var name: String
        var language: Language
        var components: [Component]?
    }

    /// The reply as free-form messages, one per piece of text; `nil` with a reason when
    /// WhatsApp cannot carry it.
    static func freeForm(_ delivery: OutboundDelivery, textLimit: TextLimit) -> Result<[WhatsAppOutbound], Refusal> {
        let to = delivery.recipient
        switch delivery.content {
        case .text(let text):
            return .success(textLimit.split(text).map { WhatsAppOutbound(to: to, type: "text", text: Text(body: $0)) })
        case .image(let reference):
            return media(reference, kind: "image", to: to) { $0.image = $1 }
        case .video(let reference):
            return media(reference, kind: "video", to: to) { $0.video = $1 }
        case .audio(let reference, _):
            return media(reference, kind: "audio", to: to, caption: false) { $0.audio = $1 }
        case .file(let reference):
            return media(reference, kind: "document", to: to, fileName: true) { $0.document = $1 }
        case .location(let latitude, let longitude, let name, let address):
            return .success([WhatsAppOutbound(
                to: to, type: "location", location: Location(latitude: latitude, longitude: longitude, name: name, address: address)
            )])
        case .template(let name, let language, let parameters):
            return .success([template(to: to, name: name, language: language ?? WhatsAppConfiguration.defaultTemplateLanguage, parameters: parameters)])
        case .sticker, .contactCard, .event, .unsupported:
            return .failure(Refusal("WhatsApp replies from Parley carry text, media, locations or templates; not \(delivery.content.kind.rawValue)"))
        }
    }

    /// The configured template carrying `text` as its one body parameter.
    static func template(to: String, name: String, language: String, parameters: [String]) -> WhatsAppOutbound {
        let components = parameters.isEmpty
            ? nil : [Template.Component(parameters: parameters.map { Template.Parameter(text: templateParameter($0)) })]
        return WhatsAppOutbound(to: to, type: "template", template: Template(name: name, language: .init(code: language), components: components))
    }

    /// Template parameters may not hold new lines, tabs or more than four spaces in a row
    /// (Graph error 132018; UNVERIFIED), so those become single spaces.
    static func templateParameter(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.append(character)
        }
        return result
    }

    struct Refusal: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private static func media(
        _ reference: MediaReference, kind: String, to: String, caption: Bool = true, fileName: Bool = false,
        _ place: (inout WhatsAppOutbound, Media) -> Void
    ) -> Result<[WhatsAppOutbound], Refusal> {
        var media = Media(caption: caption ? reference.caption : nil, filename: fileName ? reference.fileName : nil)
        if reference.location.hasPrefix(WhatsAppInbound.mediaScheme) {
            media.id = String(reference.location.dropFirst(WhatsAppInbound.mediaScheme.count))
        } else if reference.location.lowercased().hasPrefix("https://") {
            media.link = reference.location
        } else {
            return .failure(Refusal("a WhatsApp \(kind) reply needs a public https link or a WhatsApp media id"))
        }
        var message = WhatsAppOutbound(to: to, type: kind)
        place(&message, media)
        return .success([message])
    }

    /// `{"messages":[{"id":"wamid…"}]}`: the id statuses will name.
    static func messageID(_ body: [UInt8]) -> String? {
        struct Answer: Decodable {
            struct Sent: Decodable { var id: String? }
            var messages: [Sent]?
        }
        return (try? MetaJSON.decoder.decode(Answer.self, from: Data(body)))?.messages?.first?.id
    }
}
