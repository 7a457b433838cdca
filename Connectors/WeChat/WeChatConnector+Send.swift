import Foundation
import ParleyCore

extension WeChatConnector {
    /// How a reply can reach the follower right now.
    enum Route: Equatable {
        /// A customer-service message: inside 48 h of the follower's last message, under the cap.
        case customerService
        /// Outside the window or over the cap, with a template configured.
        case template(id: String)
        case impossible(reason: String)
    }

    static let windowClosedReason =
        "the customer hasn't written for 48 h — WeChat only allows a template message now; configure templateId on the channel"
    static let quotaReason =
        "WeChat allows 5 replies per customer message; wait for the customer to write again, or configure templateId"

    public var outOfWindow: OutOfWindowCapability {
        guard configuration.templateID != nil else {
            return .unavailable(reason: "no template message is configured; set templateId on the channel")
        }
        return .available(.template, lasting: nil)
    }

    /// The route the policy allows for this delivery: the workbench shows it before the agent
    /// types, the sender follows it.
    func route(for delivery: OutboundDelivery) -> Route {
        if case .template = delivery.content, let id = configuration.templateID { return .template(id: id) }
        let policy = channel.policy
        let windowOpen = delivery.lastCustomerMessageAt.map { last in
            policy.replyWindow.map { now().timeIntervalSince(last) < $0 } ?? true
        } ?? false
        let underCap = policy.sendsPerWindow.map { delivery.sendsSinceCustomerMessage < $0 } ?? true
        if windowOpen && underCap { return .customerService }
        if let id = configuration.templateID { return .template(id: id) }
        return .impossible(reason: windowOpen ? Self.quotaReason : Self.windowClosedReason)
    }

    public func send(_ delivery: OutboundDelivery, transport: any HTTPTransport) async -> SendOutcome {
        switch route(for: delivery) {
        case .impossible(let reason):
            return .failed(reason: reason)
        case .template(let id):
            return await call("/cgi-bin/message/template/send", templateBody(delivery, templateID: id), transport).via(.template)
        case .customerService:
            let bodies: [[String: Any]]
            switch customerServiceBodies(delivery) {
            case .success(let built): bodies = built
            case .failure(let outcome): return outcome
            }
            var outcome = SendOutcome.sent(platformMessageID: nil, via: .freeText)
            for body in bodies {
                outcome = await call("/cgi-bin/message/custom/send", body, transport)
                guard case .sent = outcome else { break }
            }
            // WeChat's own verdict that the window has closed (our clock or its count differ):
            // the template still reaches the follower.
            if case .failed(let reason) = outcome, reason.hasPrefix("45015"), let id = configuration.templateID {
                return await call("/cgi-bin/message/template/send", templateBody(delivery, templateID: id), transport).via(.template)
            }
            return outcome
        }
    }

    private enum Built {
        case success([[String: Any]])
        case failure(SendOutcome)
    }

    /// One CS-message body per piece: long text is split at the channel's limit.
    private func customerServiceBodies(_ delivery: OutboundDelivery) -> Built {
        let to = delivery.recipient
        switch delivery.content {
        case .text(let text):
            return .success(channel.policy.textLimit.split(text).map {
                ["touser": to, "msgtype": "text", "text": ["content": $0]]
            })
        case .image(let media):
            guard let id = mediaID(media) else { return .failure(unuploaded("image")) }
            return .success([["touser": to, "msgtype": "image", "image": ["media_id": id]]])
        case .audio(let media, _):
            guard let id = mediaID(media) else { return .failure(unuploaded("voice")) }
            return .success([["touser": to, "msgtype": "voice", "voice": ["media_id": id]]])
        case .video(let media):
            guard let id = mediaID(media) else { return .failure(unuploaded("video")) }
            var video: [String: Any] = ["media_id": id]
            if let caption = media.caption { video["title"] = caption }
            return .success([["touser": to, "msgtype": "video", "video": video]])
        default:
            return .failure(.failed(reason: "WeChat replies can carry text, images, voice or video; not \(delivery.content.kind.rawValue)"))
        }
    }

    private func templateBody(_ delivery: OutboundDelivery, templateID: String) -> [String: Any] {
        let text: String
        switch delivery.content {
        case .template(_, _, let parameters): text = parameters.joined(separator: " ")
        default: text = delivery.content.previewText
        }
        return ["touser": delivery.recipient, "template_id": templateID, "data": [configuration.templateField: ["value": text]]]
    }

    private func mediaID(_ media: MediaReference) -> String? {
        media.location.hasPrefix(WeChatCallback.mediaScheme) ? String(media.location.dropFirst(WeChatCallback.mediaScheme.count)) : nil
    }

    private func unuploaded(_ kind: String) -> SendOutcome {
        .failed(reason: "a WeChat \(kind) reply needs media already uploaded to WeChat (a wechat-media: id)")
    }

    /// One API call with the current token; a rejected token is replaced once and the call
    /// repeated, as WeChat's own SDKs do.
    private func call(_ path: String, _ body: [String: Any], _ transport: any HTTPTransport) async -> SendOutcome {
        guard let bytes = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return .failed(reason: "the reply could not be encoded as JSON")
        }
        do {
            var token = try await tokens.token(using: transport)
            var answer = try await post(path, token: token, body: Array(bytes), transport)
            if case .tokenRejected = answer {
                token = try await tokens.replace(token, using: transport)
                answer = try await post(path, token: token, body: Array(bytes), transport)
            }
            return answer.outcome
        } catch let error as WeChatAccessTokens.TokenError {
            switch error {
            case .refused: return .failed(reason: error.description)
            case .unavailable: return .retryLater(reason: error.description, after: nil)
            }
        } catch {
            return .retryLater(reason: "WeChat API unreachable: \(error)", after: nil)
        }
    }

    private func post(_ path: String, token: String, body: [UInt8], _ transport: any HTTPTransport) async throws -> WeChatAPIAnswer {
        let request = TransportRequest(
            method: "POST", url: "\(configuration.apiBaseURL)\(path)?access_token=\(token)",
            headers: ["Content-Type": "application/json; charset=utf-8"], body: body
        )
        return WeChatAPIAnswer(try await transport.execute(request))
    }
}
