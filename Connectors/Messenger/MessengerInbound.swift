import Foundation
import MetaSigning
import ParleyCore

/// Turns a Page webhook body into the events the gateway stores.
///
/// Choices worth knowing:
/// - every `entry[] × messaging[]` event is read; entries of another Page of the same Meta app
///   are skipped, so one app's Pages never leak into each other's channels;
/// - messages dedupe on `mid`; a message with text and attachments, or several attachments,
///   is stored as one message per part (`<mid>`, `<mid>#2`, …);
/// - **echoes** (`is_echo: true`) are skipped: they are copies of what the Page sent, mostly
///   Parley's own replies. Replies typed in Meta's Page inbox are therefore not in the thread;
/// - attachments keep their URL; the gateway downloads it only when `MediaURLPolicy` accepts
///   it (Meta's media hosts over https), so a forged URL cannot point Parley at its network;
/// - postbacks become the event `postback`, quick replies `quick_reply`, each with the
///   developer payload; referrals and opt-ins become `referral` / `optin` events;
/// - **reactions** become the event `reaction` with the emoji (`reaction_removed` on unreact);
/// - `delivery` becomes a `delivered` receipt for each mid it lists, and `delivery` and `read`
///   become watermark receipts for their `watermark` time ("everything sent before this was
///   delivered / read"), applied by the gateway to every message sent to that customer up to
///   then; a `read` that names its `mid` is also a receipt for that message;
/// - any other event kind becomes `.unsupported(rawType:)` named after its field, never an error.
enum MessengerInbound {
    static let object = "page"

    static func events(from body: [UInt8], pageID: String, now: Date) throws(ConnectorError) -> [InboundEvent] {
        let webhook = try MetaJSON.decodeWebhook(MessengerWebhook.self, from: body, platform: MessengerConfiguration.platform)
        if let object = webhook.object, object != Self.object {
            throw .malformedPayload("object '\(object)' is not a Messenger Page webhook (\(Self.object)); is the channel's URL set on the right Meta product?")
        }
        var events: [InboundEvent] = []
        var seen: Set<String> = []
        func append(_ event: InboundEvent, key: String) {
            if seen.insert(key).inserted { events.append(event) }
        }
        for entry in webhook.entry ?? [] {
            if let id = entry.id?.value, id != pageID { continue }
            for (index, event) in (entry.messaging ?? []).enumerated() {
                let at = event.timestamp?.date(milliseconds: true) ?? entry.time?.date(milliseconds: true) ?? now
                let customer = event.sender?.id?.value
                if let delivery = event.delivery {
                    let watermark = delivery.watermark?.date(milliseconds: true)
                    for mid in delivery.mids ?? [] {
                        append(.deliveryReceipt(platformMessageID: mid, status: .delivered, at: watermark ?? at), key: "delivered \(mid)")
                    }
                    if let customer, let watermark {
                        append(.deliveryWatermark(externalUserID: customer, status: .delivered, upTo: watermark), key: "delivered \(customer) \(watermark)")
                    }
                    continue
                }
                if let read = event.read {
                    if let mid = read.mid { append(.deliveryReceipt(platformMessageID: mid, status: .read, at: at), key: "read \(mid)") }
                    if let customer, let watermark = read.watermark?.date(milliseconds: true) {
                        append(.deliveryWatermark(externalUserID: customer, status: .read, upTo: watermark), key: "read \(customer) \(watermark)")
                    }
                    continue
                }
                if event.message?.is_echo == true { continue }
                guard let psid = event.sender?.id?.value, !psid.isEmpty else { continue }
                let kind = index < entry.messagingKinds.count ? entry.messagingKinds[index] : []
                for (id, content) in messages(of: event, psid: psid, kind: kind) {
                    append(.message(InboundMessage(externalUserID: psid, platformMessageID: id, content: content, sentAt: at)), key: id)
                }
            }
        }
        return events
    }

    /// The stored messages an event becomes, each with its dedupe id.
    private static func messages(of event: MessengerWebhook.Event, psid: String, kind: [String]) -> [(String, MessageContent)] {
        let stamp = event.timestamp?.value ?? "0"
        if let message = event.message {
            guard let mid = message.mid, !mid.isEmpty else { return [] }
            if let reply = message.quick_reply {
                return [(mid, .event(name: "quick_reply", payload: reply.payload ?? message.text))]
            }
            var contents: [MessageContent] = []
            if let text = message.text, !text.isEmpty { contents.append(.text(text)) }
            contents += (message.attachments ?? []).map(content)
            if contents.isEmpty { contents = [.unsupported(rawType: "message")] }
            return contents.enumerated().map { index, content in (index == 0 ? mid : "\(mid)#\(index + 1)", content) }
        }
        if let postback = event.postback {
            return [(postback.mid ?? "postback:\(psid):\(stamp)", .event(name: "postback", payload: postback.payload ?? postback.title))]
        }
        if let reaction = event.reaction {
            let target = reaction.mid ?? "?"
            let id = "reaction:\(target):\(psid):\(stamp)"
            if reaction.action == "unreact" { return [(id, .event(name: "reaction_removed", payload: nil))] }
            return [(id, .event(name: "reaction", payload: reaction.emoji ?? reaction.reaction))]
        }
        if let referral = event.referral {
            return [("referral:\(psid):\(stamp)", .event(name: "referral", payload: referral.ref ?? referral.source))]
        }
        if let optin = event.optin {
            return [("optin:\(psid):\(stamp)", .event(name: "optin", payload: optin.ref ?? optin.type))]
        }
        let name = kind.first { !["sender", "recipient", "timestamp"].contains($0) } ?? "messaging"
        return [("\(name):\(psid):\(stamp)", .unsupported(rawType: name))]
    }

    private static func content(of attachment: MessengerWebhook.Attachment) -> MessageContent {
        let type = attachment.type ?? "unknown"
        let payload = attachment.payload
        let url = payload?.url.flatMap { $0.isEmpty ? nil : $0 }
        switch (type, url) {
        case ("image", let url?):
            if let sticker = payload?.sticker_id?.value { return .sticker(id: sticker, url: url) }
            return .image(MediaReference(location: url))
        case ("video", let url?): return .video(MediaReference(location: url))
        case ("audio", let url?): return .audio(MediaReference(location: url), transcript: nil)
        case ("file", let url?): return .file(MediaReference(location: url))
        case ("location", _):
            guard let latitude = payload?.coordinates?.lat, let longitude = payload?.coordinates?.long else {
                return .unsupported(rawType: type)
            }
            return .location(latitude: latitude, longitude: longitude, name: payload?.title ?? attachment.title, address: nil)
        default:
            return .unsupported(rawType: type)
        }
    }
}
