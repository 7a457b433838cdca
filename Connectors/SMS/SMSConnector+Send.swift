import Foundation
import ParleyCore

extension SMSConnector {
    /// Twilio's `Body` limit (CHANNELS.md §6.3), whatever the channel's `textLimit` says.
    static let twilioBodyLimit = 1_600

    /// Delivers one reply: `POST {apiBaseURL}/2010-04-01/Accounts/{AccountSid}/Messages.json`
    /// once per piece, in order. A piece that fails stops the rest; a retried delivery resumes
    /// after the pieces Twilio already accepted. The first piece's SID is the platform id that
    /// status callbacks name.
    ///
    /// A timeout may hide a message Twilio did accept, and the Messages API takes no idempotency
    /// key, so such a piece can arrive twice: the gateway's at-least-once promise.
    public func send(_ delivery: OutboundDelivery, transport: any HTTPTransport) async -> SendOutcome {
        let forms: [[(name: String, value: String)]]
        switch messageForms(for: delivery.content) {
        case .success(let built): forms = built
        case .failure(let refusal): return .failed(reason: refusal.reason)
        }
        let progress = await deliveredPieces.progress(for: delivery.messageID)
        var firstSid = progress.platformID
        for (index, fields) in forms.enumerated() where index >= progress.count {
            let form = addressing(delivery.recipient) + fields + statusCallbackField
            let piece = forms.count > 1 ? " (piece \(index + 1) of \(forms.count))" : ""
            switch await post(form, transport) {
            case .accepted(let sid):
                if index == 0 { firstSid = sid }
                await deliveredPieces.record(index + 1, platformID: firstSid, for: delivery.messageID)
            case .retryLater(let reason, let after):
                return .retryLater(reason: redacted(reason + piece), after: after)
            case .failed(let reason):
                await deliveredPieces.forget(delivery.messageID)
                let delivered = index > 0 ? "; \(index) of \(forms.count) pieces had been delivered" : ""
                return .failed(reason: redacted(reason + piece + delivered))
            }
        }
        await deliveredPieces.forget(delivery.messageID)
        return .sent(platformMessageID: firstSid, via: .freeText)
    }

    struct Refusal: Error, Equatable {
        var reason: String
    }

    /// The `Body` / `MediaUrl` fields of each request that carries `content`.
    func messageForms(for content: MessageContent) -> Result<[[(name: String, value: String)]], Refusal> {
        let limit: Int
        switch channel.policy.textLimit {
        case .characters(let value), .utf8Bytes(let value): limit = min(value, Self.twilioBodyLimit)
        }
        switch content {
        case .text(let text):
            return .success(Self.split(text, limit: limit).map { [("Body", $0)] })
        case .image(let media), .video(let media), .file(let media), .audio(let media, _):
            guard case .success = Self.publicMediaPolicy(for: media.location).check(media.location) else {
                return .failure(Refusal(reason: media.location.hasPrefix("/")
                    ? "Twilio fetches MMS media from a public https URL; this file is only stored in Parley"
                    : "Twilio fetches MMS media from a public https URL, not \(media.location)"))
            }
            let caption = media.caption.flatMap { $0.isEmpty ? nil : $0 }
            let pieces = caption.map { Self.split($0, limit: limit) } ?? []
            var forms: [[(name: String, value: String)]] = [(pieces.first.map { [("Body", $0)] } ?? []) + [("MediaUrl", media.location)]]
            forms += pieces.dropFirst().map { [("Body", $0)] }
            return .success(forms)
        case .location, .sticker, .contactCard, .event, .template, .unsupported:
            return .failure(Refusal(reason: "SMS carries text and MMS media (images, video, audio, files); not \(content.kind.rawValue)"))
        }
    }

    /// `To`, then `MessagingServiceSid` or `From`.
    private func addressing(_ recipient: String) -> [(name: String, value: String)] {
        switch configuration.sender {
        case .messagingService(let sid): [("To", recipient), ("MessagingServiceSid", sid)]
        case .number(let number): [("To", recipient), ("From", number)]
        }
    }

    private var statusCallbackField: [(name: String, value: String)] {
        configuration.statusCallback.map { [("StatusCallback", $0)] } ?? []
    }

    var messagesURL: String {
        "\(configuration.apiBaseURL)/2010-04-01/Accounts/\(configuration.accountSid)/Messages.json"
    }

    private func post(_ form: [(name: String, value: String)], _ transport: any HTTPTransport) async -> TwilioAPIAnswer {
        let request = TransportRequest(
            method: "POST", url: messagesURL,
            headers: [
                "Authorization": configuration.basicAuthorization,
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            ],
            body: TwilioForm.encode(form), timeout: requestTimeout
        )
        do {
            return TwilioAPIAnswer(try await transport.execute(request))
        } catch {
            return .retryLater(reason: "Twilio API unreachable: \(redacted(String(describing: error)))", after: nil)
        }
    }

    /// Pieces of at most `limit` UTF-16 code units, never inside a character. Twilio does not
    /// say which unit its 1,600 counts (UNVERIFIED); UTF-16 units are never fewer than
    /// characters or code points, so a piece fits whichever it is.
    static func split(_ text: String, limit: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        var size = 0
        for character in text {
            let units = character.utf16.count
            if size + units > limit, !current.isEmpty {
                pieces.append(current)
                current = ""
                size = 0
            }
            current.append(character)
            size += units
        }
        if !current.isEmpty || pieces.isEmpty { pieces.append(current) }
        return pieces
    }

    /// Admits `location` only over https, without credentials, and not at a private, loopback
    /// or link-local address: Twilio must be able to fetch it from the internet.
    static func publicMediaPolicy(for location: String) -> MediaURLPolicy {
        let host = URLComponents(string: location)?.host?.lowercased() ?? ""
        return MediaURLPolicy(platformDomains: host.isEmpty ? [] : [host], apiBaseURL: nil)
    }
}
