import Foundation
import ParleyCore

/// Turns the form fields of one authenticated Twilio webhook into normalized events.
///
/// Choices worth knowing:
/// - a webhook with a `MessageStatus` other than `received` is a status callback for one of our
///   messages: `sent`, `delivered`, `read`, `undelivered` and `failed` become receipts for its
///   `MessageSid`; the in-between states (`queued`, `accepted`, `sending`…) produce nothing;
/// - otherwise it is a customer's message: the customer is `From`, the dedupe key `MessageSid`
///   (CHANNELS.md §6.2). `Body` and each `MediaUrl{N}` become one stored message apiece, in that
///   order: the first carries the bare `MessageSid`, the next `<MessageSid>/1`, `/2`… so a
///   redelivery stores none of them twice;
/// - a `MediaUrl` is kept only when `MediaURLPolicy` admits it (https on Twilio's hosts); any
///   other (a private address, a metadata service, a stranger's host) is stored as
///   `.unsupported` naming the refusal, and never fetched;
/// - an opt-out or opt-in keyword (`SMSKeywords`) adds `.optOut` after the message, which is
///   stored all the same, so the agent sees the customer's STOP.
enum TwilioInbound {
    /// More media than Twilio ever attaches (10) is not a Twilio webhook.
    static let mostMedia = 100

    /// The first value of each field, for reading; the signature covered all of them.
    struct Fields {
        private var values: [String: String] = [:]

        init(_ pairs: [(name: String, value: String)]) {
            for (name, value) in pairs where values[name] == nil { values[name] = value }
        }

        subscript(_ name: String) -> String? { values[name] }

        func nonEmpty(_ name: String) -> String? {
            values[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
    }

    static func events(
        from pairs: [(name: String, value: String)], mediaPolicy: MediaURLPolicy, now: Date,
        refusedMedia: (String) -> Void = { _ in }
    ) throws(ConnectorError) -> [InboundEvent] {
        let fields = Fields(pairs)
        guard let sid = fields.nonEmpty("MessageSid") ?? fields.nonEmpty("SmsMessageSid") ?? fields.nonEmpty("SmsSid") else {
            throw .malformedPayload("the webhook has no MessageSid")
        }
        if let status = fields.nonEmpty("MessageStatus")?.lowercased(), status != "received", status != "receiving" {
            return receipt(sid: sid, status: status, fields: fields, now: now).map { [$0] } ?? []
        }
        guard let from = fields.nonEmpty("From") else { throw .malformedPayload("the message \(sid) has no From") }
        let body = fields["Body"] ?? ""
        var contents: [MessageContent] = body.isEmpty ? [] : [.text(body)]
        let count = try mediaCount(fields)
        for index in 0..<count {
            contents.append(media(index, fields: fields, sid: sid, policy: mediaPolicy, refused: refusedMedia))
        }
        if contents.isEmpty { contents = [.text("")] }
        var events = contents.enumerated().map { offset, content in
            InboundEvent.message(InboundMessage(
                externalUserID: from, platformMessageID: offset == 0 ? sid : "\(sid)/\(offset)", content: content, sentAt: now
            ))
        }
        if let optedOut = SMSKeywords.optOutChange(body: body, optOutType: fields["OptOutType"]) {
            events.append(.optOut(externalUserID: from, optedOut: optedOut))
        }
        return events
    }

    private static func mediaCount(_ fields: Fields) throws(ConnectorError) -> Int {
        guard let text = fields.nonEmpty("NumMedia") else { return 0 }
        guard let count = Int(text.trimmingCharacters(in: .whitespaces)), (0...mostMedia).contains(count) else {
            throw .malformedPayload("NumMedia '\(text.prefix(20))' is not a number of media items")
        }
        return count
    }

    private static func media(
        _ index: Int, fields: Fields, sid: String, policy: MediaURLPolicy, refused: (String) -> Void
    ) -> MessageContent {
        let mimeType = fields.nonEmpty("MediaContentType\(index)")?.trimmingCharacters(in: .whitespaces)
        let label = "MMS \(mimeType ?? "media")"
        guard let url = fields.nonEmpty("MediaUrl\(index)")?.trimmingCharacters(in: .whitespaces) else {
            return .unsupported(rawType: "\(label) without a MediaUrl\(index)")
        }
        switch policy.check(url) {
        case .failure(let refusal):
            refused("message \(sid): MediaUrl\(index) not fetched: \(refusal)")
            return .unsupported(rawType: "\(label), not fetched: \(refusal)")
        case .success:
            let reference = MediaReference(location: url, mimeType: mimeType)
            let type = mimeType?.lowercased() ?? ""
            if type.hasPrefix("image/") { return .image(reference) }
            if type.hasPrefix("video/") { return .video(reference) }
            if type.hasPrefix("audio/") { return .audio(reference, transcript: nil) }
            return .file(reference)
        }
    }

    /// A status callback as a receipt, or `nil` for a state that is not news to the agent.
    private static func receipt(sid: String, status: String, fields: Fields, now: Date) -> InboundEvent? {
        let delivery: DeliveryStatus
        switch status {
        case "sent": delivery = .sent
        case "delivered": delivery = .delivered
        case "read": delivery = .read
        case "undelivered", "failed":
            var reason = "Twilio reports the message \(status)"
            if let code = fields.nonEmpty("ErrorCode") {
                reason += " (error \(code), https://www.twilio.com/docs/errors/\(TwilioForm.escape(code)))"
            }
            if let message = fields.nonEmpty("ErrorMessage") { reason += ": \(message)" }
            delivery = .failed(reason: reason)
        default:
            return nil
        }
        return .deliveryReceipt(platformMessageID: sid, status: delivery, at: now)
    }
}
