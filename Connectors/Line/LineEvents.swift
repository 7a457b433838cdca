import Foundation
import ParleyCore

/// Turns a webhook body into the normalized messages the gateway stores.
///
/// Choices worth knowing:
/// - every event dedupes on its `webhookEventId`, which a redelivery repeats
///   (`deliveryContext.isRedelivery: true`), so a redelivered event is stored once;
/// - the conversation partner is where a reply must go: the user for a one-to-one chat, the
///   group or room for a group or room chat (`groupId` / `roomId`), because a push to the
///   member's own `userId` would move a group conversation into a private chat the member may
///   never have opened with the account (and many members share one conversation);
/// - events with no source at all (`activated`, `botSuspended`…) concern the channel, not a
///   customer, and are skipped;
/// - media that LINE hosts becomes `line-content:<message id>`, downloaded on receipt through
///   the data API; media from an `external` provider keeps its URL;
/// - event and message types Parley does not map become `.unsupported(rawType:)`;
/// - an event's reply token travels with it so the first answer can use it; a redelivered
///   event's token does not, since it arrives after the token has most likely expired.
enum LineEvents {
    static let contentScheme = "line-content:"

    static func decode(_ body: [UInt8]) throws(ConnectorError) -> [InboundEvent] {
        let webhook: LineWebhook
        do {
            webhook = try JSONDecoder().decode(LineWebhook.self, from: Data(body))
        } catch let error as DecodingError {
            throw .malformedPayload("not a LINE webhook body: \(error.reason)")
        } catch {
            throw .malformedPayload("not a LINE webhook body: \(error)")
        }
        var events: [InboundEvent] = []
        for (index, event) in webhook.events.enumerated() {
            if let message = try message(from: event, index: index) { events.append(.message(message)) }
        }
        return events
    }

    private static func message(from event: LineWebhook.Event, index: Int) throws(ConnectorError) -> InboundMessage? {
        guard let source = event.source else { return nil }
        let partner: String?
        switch source.type {
        case "group": partner = source.groupId
        case "room": partner = source.roomId
        default: partner = source.userId
        }
        guard let partner, !partner.isEmpty else {
            throw .malformedPayload("events[\(index)] (\(event.type)) has a \(source.type) source without its id")
        }
        guard let eventID = event.webhookEventId, !eventID.isEmpty else {
            throw .malformedPayload("events[\(index)] (\(event.type)) has no webhookEventId")
        }
        guard let timestamp = event.timestamp else { throw .malformedPayload("events[\(index)] (\(event.type)) has no timestamp") }
        return InboundMessage(
            externalUserID: partner, platformMessageID: eventID, content: try content(of: event, index: index),
            sentAt: Date(timeIntervalSince1970: TimeInterval(timestamp) / 1000),
            replyToken: event.deliveryContext?.isRedelivery == true ? nil : event.replyToken.flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    private static func content(of event: LineWebhook.Event, index: Int) throws(ConnectorError) -> MessageContent {
        switch event.type {
        case "message":
            guard let message = event.message else { throw .malformedPayload("events[\(index)] is a message event without a message") }
            return try content(of: message, index: index)
        case "postback":
            return .event(name: "postback", payload: event.postback?.data)
        case "follow":
            return .event(name: "follow", payload: event.follow?.isUnblocked == true ? "unblocked" : nil)
        case "unfollow", "join", "leave":
            return .event(name: event.type, payload: nil)
        case "unsend":
            return .event(name: "unsend", payload: event.unsend?.messageId)
        default:
            return .unsupported(rawType: event.type)
        }
    }

    private static func content(of message: LineWebhook.Message, index: Int) throws(ConnectorError) -> MessageContent {
        switch message.type {
        case "text":
            return .text(message.text ?? "")
        case "image":
            return .image(media(message))
        case "video":
            return .video(media(message))
        case "audio":
            return .audio(media(message), transcript: nil)
        case "file":
            return .file(media(message))
        case "sticker":
            guard let package = message.packageId, let sticker = message.stickerId else {
                throw .malformedPayload("events[\(index)].message is a sticker without packageId/stickerId")
            }
            return .sticker(id: "\(package)/\(sticker)", url: nil)
        case "location":
            guard let latitude = message.latitude, let longitude = message.longitude else {
                throw .malformedPayload("events[\(index)].message is a location without latitude/longitude")
            }
            return .location(latitude: latitude, longitude: longitude, name: nonEmpty(message.title), address: nonEmpty(message.address))
        default:
            return .unsupported(rawType: message.type)
        }
    }

    private static func media(_ message: LineWebhook.Message) -> MediaReference {
        if let provider = message.contentProvider, provider.type == "external", let url = nonEmpty(provider.originalContentUrl) {
            return MediaReference(location: url, fileName: message.fileName)
        }
        return MediaReference(location: contentScheme + message.id, fileName: message.fileName)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        text.flatMap { $0.isEmpty ? nil : $0 }
    }
}
