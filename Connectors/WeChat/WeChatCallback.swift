import Foundation
import ParleyCore

/// Turns one callback document into the normalized message the gateway stores.
///
/// Choices worth knowing:
/// - messages dedupe on `MsgId`; events have none, so on `FromUserName` + `CreateTime`
///   (CHANNELS.md §1.3), which is what WeChat's own retries repeat;
/// - a link a follower shares has no content kind of its own: it becomes text holding the
///   title, description and URL, which is what an agent needs to read it;
/// - event names are lowercased (`subscribe`, `scan`, `click`…); the event key or coordinates
///   go in the payload;
/// - media carries the WeChat `MediaId` (`wechat-media:<id>`), replaced by the stored file once
///   downloaded, since the id expires after three days.
enum WeChatCallback {
    static let mediaScheme = "wechat-media:"

    static func message(from document: WeChatXML) throws(ConnectorError) -> InboundMessage {
        guard let openID = document["FromUserName"], !openID.isEmpty else {
            throw .malformedPayload("the callback has no FromUserName")
        }
        guard let createTimeText = document["CreateTime"], let createTime = Int64(createTimeText) else {
            throw .malformedPayload("the callback has no numeric CreateTime")
        }
        guard let type = document["MsgType"], !type.isEmpty else { throw .malformedPayload("the callback has no MsgType") }
        let content = try Self.content(type: type, document)
        let platformID: String
        if let msgID = document["MsgId"], !msgID.isEmpty {
            platformID = msgID
        } else if type == "event" {
            platformID = "event:\(openID):\(createTime)"
        } else {
            throw .malformedPayload("a \(type) message without MsgId")
        }
        return InboundMessage(
            externalUserID: openID, platformMessageID: platformID, content: content,
            sentAt: Date(timeIntervalSince1970: TimeInterval(createTime))
        )
    }

    private static func content(type: String, _ document: WeChatXML) throws(ConnectorError) -> MessageContent {
        switch type {
        case "text":
            return .text(document["Content"] ?? "")
        case "image":
            return .image(try media(document, mimeType: "image/jpeg", caption: nil))
        case "voice":
            let format = document["Format"]?.lowercased()
            let transcript = document["Recognition"].flatMap { $0.isEmpty ? nil : $0 }
            return .audio(try media(document, mimeType: format.map { "audio/\($0)" }, caption: nil), transcript: transcript)
        case "video", "shortvideo":
            return .video(try media(document, mimeType: "video/mp4", caption: nil))
        case "location":
            guard let latitude = document["Location_X"].flatMap(Double.init),
                  let longitude = document["Location_Y"].flatMap(Double.init)
            else { throw .malformedPayload("a location message without numeric Location_X/Location_Y") }
            return .location(latitude: latitude, longitude: longitude, name: document["Label"].flatMap { $0.isEmpty ? nil : $0 }, address: nil)
        case "link":
            let parts = [document["Title"], document["Description"], document["Url"]].compactMap { $0 }.filter { !$0.isEmpty }
            return .text(parts.joined(separator: "\n"))
        case "event":
            return event(document)
        default:
            return .unsupported(rawType: type)
        }
    }

    private static func event(_ document: WeChatXML) -> MessageContent {
        let name = (document["Event"] ?? "unknown").lowercased()
        let key = document["EventKey"].flatMap { $0.isEmpty ? nil : $0 }
        switch name {
        case "location":
            let coordinates = [document["Latitude"], document["Longitude"], document["Precision"]].compactMap { $0 }
            return .event(name: name, payload: coordinates.isEmpty ? nil : coordinates.joined(separator: ","))
        default:
            return .event(name: name, payload: key)
        }
    }

    private static func media(_ document: WeChatXML, mimeType: String?, caption: String?) throws(ConnectorError) -> MediaReference {
        guard let mediaID = document["MediaId"], !mediaID.isEmpty else {
            throw .malformedPayload("a media message without MediaId")
        }
        return MediaReference(location: mediaScheme + mediaID, mimeType: mimeType, caption: caption)
    }
}
