import Foundation
import MetaSigning
import ParleyCore

/// The JSON body of a Send API call (CHANNELS.md §4.3):
/// `{"recipient":{"id":PSID},"messaging_type":"RESPONSE","message":{"text":…}}`, with
/// `"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT"` after the standard window.
struct MessengerOutbound: Encodable {
    struct Recipient: Encodable { var id: String }
    struct Message: Encodable {
        var text: String?
        var attachment: Attachment?
    }
    struct Attachment: Encodable {
        struct Payload: Encodable {
            var url: String
            var is_reusable = true
        }
        var type: String
        var payload: Payload
    }

    var recipient: Recipient
    var messaging_type: String
    var tag: String?
    var message: Message

    /// How a reply is labelled for Meta's window rules.
    enum Label: Equatable {
        case response
        case humanAgent

        var messagingType: String { self == .response ? "RESPONSE" : "MESSAGE_TAG" }
        var tag: String? { self == .response ? nil : "HUMAN_AGENT" }
        var route: DeliveryRoute { self == .response ? .freeText : .messageTag }
    }

    struct Refusal: Error, Equatable {
        var reason: String
    }

    static func messages(_ delivery: OutboundDelivery, label: Label, textLimit: TextLimit) -> Result<[MessengerOutbound], Refusal> {
        func message(_ body: Message) -> MessengerOutbound {
            MessengerOutbound(recipient: Recipient(id: delivery.recipient), messaging_type: label.messagingType, tag: label.tag, message: body)
        }
        func attachment(_ type: String, _ media: MediaReference) -> Result<[MessengerOutbound], Refusal> {
            guard media.location.lowercased().hasPrefix("https://") else {
                return .failure(Refusal(reason: "a Messenger \(type) reply needs a public https URL"))
            }
            return .success([message(Message(attachment: Attachment(type: type, payload: .init(url: media.location))))])
        }
        switch delivery.content {
        case .text(let text): return .success(textLimit.split(text).map { message(Message(text: $0)) })
        case .image(let media): return attachment("image", media)
        case .video(let media): return attachment("video", media)
        case .audio(let media, _): return attachment("audio", media)
        case .file(let media): return attachment("file", media)
        case .location, .sticker, .contactCard, .event, .template, .unsupported:
            return .failure(Refusal(reason: "Messenger replies from Parley carry text or media; not \(delivery.content.kind.rawValue)"))
        }
    }

    /// `{"recipient_id":…,"message_id":…}`.
    static func messageID(_ body: [UInt8]) -> String? {
        struct Answer: Decodable { var message_id: String? }
        return (try? MetaJSON.decoder.decode(Answer.self, from: Data(body)))?.message_id
    }
}
