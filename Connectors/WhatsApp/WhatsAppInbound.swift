import Foundation
import MetaSigning
import ParleyCore

/// Turns a Cloud API webhook body into the events the gateway stores.
///
/// Choices worth knowing:
/// - every `entry[] × changes[]` is read; each message in it becomes its own InboundMessage,
///   deduped on its `wamid` (a redelivered batch is stored once; the gateway dedupes too);
/// - a change for another phone number of the same Meta app (`metadata.phone_number_id`) is
///   skipped, so one app's numbers never leak into each other's channels; fields other than
///   `messages` (template reviews, account updates, `smb_message_echoes`) are skipped;
/// - **echoes**: a message whose sender is the business number itself is skipped, since Parley
///   (or the WhatsApp Business app) sent it and it is not the customer's;
/// - media becomes `whatsapp-media:<media id>`, downloaded on receipt (ids expire after
///   7 days); a sticker keeps its media id as its id and is downloaded the same way;
/// - contacts become `contactCard`s (a second card in one message is stored as `<wamid>#2`);
/// - button and list replies, template quick replies and Flow answers become events
///   (`button_reply`, `list_reply`, `button`, `flow_reply`) carrying the developer payload;
/// - **reactions** become the event `reaction` with the emoji (`reaction_removed` when the
///   customer takes it back); they are the customer's own act, so they are kept in the thread;
/// - `statuses[]` become delivery receipts (`sent`, `delivered`, `read`, `failed` with Meta's
///   error title); other statuses (`deleted`, `warning`…) are skipped;
/// - anything else becomes `.unsupported(rawType:)`, never an error.
enum WhatsAppInbound {
    static let mediaScheme = "whatsapp-media:"
    static let object = "whatsapp_business_account"

    static func events(from body: [UInt8], phoneNumberID: String, now: Date) throws(ConnectorError) -> [InboundEvent] {
        let webhook = try MetaJSON.decodeWebhook(WhatsAppWebhook.self, from: body, platform: WhatsAppConfiguration.platform)
        if let object = webhook.object, object != Self.object {
            throw .malformedPayload("object '\(object)' is not a WhatsApp webhook (\(Self.object)); is the channel's URL set on the right Meta product?")
        }
        var events: [InboundEvent] = []
        var seenMessages: Set<String> = []
        var seenStatuses: Set<String> = []
        for (entryIndex, entry) in (webhook.entry ?? []).enumerated() {
            for (changeIndex, change) in (entry.changes ?? []).enumerated() {
                guard change.field == nil || change.field == "messages", let value = change.value else { continue }
                if let number = value.metadata?.phone_number_id?.value, number != phoneNumberID { continue }
                let path = "entry[\(entryIndex)].changes[\(changeIndex)].value"
                let business = digits(value.metadata?.display_phone_number)
                for (index, message) in (value.messages ?? []).enumerated() {
                    guard let id = message.id, !id.isEmpty else { throw .malformedPayload("\(path).messages[\(index)] has no id") }
                    guard let from = message.from, !from.isEmpty else { throw .malformedPayload("\(path).messages[\(index)] has no from") }
                    if let business, digits(from) == business { continue }
                    guard seenMessages.insert(id).inserted else { continue }
                    let name = value.contacts?.first { $0.wa_id == from }?.profile?.name
                    let sentAt = message.timestamp?.date(milliseconds: false) ?? now
                    for (part, content) in contents(of: message).enumerated() {
                        events.append(.message(InboundMessage(
                            externalUserID: from, displayName: name, platformMessageID: part == 0 ? id : "\(id)#\(part + 1)",
                            content: content, sentAt: sentAt
                        )))
                    }
                }
                for status in value.statuses ?? [] {
                    guard let id = status.id, let state = status.status, let receipt = deliveryStatus(state, status.errors) else { continue }
                    guard seenStatuses.insert("\(id) \(state)").inserted else { continue }
                    events.append(.deliveryReceipt(platformMessageID: id, status: receipt, at: status.timestamp?.date(milliseconds: false) ?? now))
                }
            }
        }
        return events
    }

    /// One content per message, except a message carrying several contact cards.
    private static func contents(of message: WhatsAppWebhook.Message) -> [MessageContent] {
        let type = message.type ?? "unknown"
        func media(_ media: WhatsAppWebhook.Media?) -> MediaReference? {
            guard let media, let id = media.id, !id.isEmpty else { return nil }
            return MediaReference(location: mediaScheme + id, mimeType: media.mime_type, fileName: media.filename, caption: nonEmpty(media.caption))
        }
        let content: MessageContent?
        switch type {
        case "text":
            content = .text(message.text?.body ?? "")
        case "image":
            content = media(message.image).map(MessageContent.image)
        case "audio":
            content = media(message.audio).map { .audio($0, transcript: nil) }
        case "video":
            content = media(message.video).map(MessageContent.video)
        case "document":
            content = media(message.document).map(MessageContent.file)
        case "sticker":
            content = message.sticker?.id.map { .sticker(id: $0, url: mediaScheme + $0) }
        case "location":
            content = message.location.flatMap { location in
                guard let latitude = location.latitude, let longitude = location.longitude else { return nil }
                return .location(latitude: latitude, longitude: longitude, name: nonEmpty(location.name), address: nonEmpty(location.address))
            }
        case "contacts":
            let cards = (message.contacts ?? []).map { card -> MessageContent in
                let parts = [card.name?.first_name, card.name?.last_name].compactMap(nonEmpty).joined(separator: " ")
                let name = nonEmpty(card.name?.formatted_name) ?? nonEmpty(parts) ?? "contact"
                return .contactCard(name: name, phones: (card.phones ?? []).compactMap { nonEmpty($0.phone) ?? nonEmpty($0.wa_id) })
            }
            if !cards.isEmpty { return cards }
            content = nil
        case "interactive":
            content = interactive(message.interactive)
        case "button":
            content = message.button.map { .event(name: "button", payload: nonEmpty($0.payload) ?? $0.text) }
        case "reaction":
            content = message.reaction.map { reaction in
                nonEmpty(reaction.emoji).map { .event(name: "reaction", payload: $0) } ?? .event(name: "reaction_removed", payload: nil)
            }
        default:
            content = nil
        }
        return [content ?? .unsupported(rawType: type)]
    }

    private static func interactive(_ interactive: WhatsAppWebhook.Interactive?) -> MessageContent? {
        guard let interactive else { return nil }
        switch interactive.type {
        case "button_reply": return interactive.button_reply.map { .event(name: "button_reply", payload: $0.id ?? $0.title) }
        case "list_reply": return interactive.list_reply.map { .event(name: "list_reply", payload: $0.id ?? $0.title) }
        case "nfm_reply": return interactive.nfm_reply.map { .event(name: "flow_reply", payload: $0.response_json) }
        default: return .unsupported(rawType: "interactive.\(interactive.type ?? "unknown")")
        }
    }

    private static func deliveryStatus(_ status: String, _ errors: [WhatsAppWebhook.Status.Failure]?) -> DeliveryStatus? {
        switch status {
        case "sent": return .sent
        case "delivered": return .delivered
        case "read": return .read
        case "failed":
            let error = errors?.first
            var reason = "WhatsApp could not deliver the message"
            if let said = nonEmpty(error?.title) ?? nonEmpty(error?.message) { reason += ": \(said)" }
            if let details = nonEmpty(error?.error_data?.details), details != error?.title { reason += " (\(details))" }
            if let code = error?.code?.value { reason += " [code \(code)]" }
            return .failed(reason: reason)
        default: return nil
        }
    }

    private static func digits(_ text: String?) -> String? {
        guard let text else { return nil }
        let digits = String(text.filter(\.isNumber))
        return digits.isEmpty ? nil : digits
    }

    private static func nonEmpty(_ text: String?) -> String? {
        text.flatMap { $0.isEmpty ? nil : $0 }
    }
}
