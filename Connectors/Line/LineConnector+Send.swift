import Foundation
import ParleyCore

extension LineConnector {
    /// LINE takes at most five message objects per push or reply.
    static let messagesPerRequest = 5

    /// Delivers one outbound message: through the delivery's reply token when it is fresh, this
    /// is the first attempt and the message fits one reply (five objects); otherwise, or when
    /// LINE refuses the token, by push. A retry never uses the token again, so a reply that may
    /// have arrived (5xx, timeout) is not sent twice through it.
    public func send(_ delivery: OutboundDelivery, transport: any HTTPTransport) async -> SendOutcome {
        let objects: [LineMessageObject]
        switch LineMessageObject.objects(for: delivery.content, textLimit: channel.policy.textLimit) {
        case .success(let built): objects = built
        case .failure(let refusal): return .failed(reason: refusal.reason)
        }
        if let replyToken = delivery.replyToken, delivery.attempt <= 1, objects.count <= Self.messagesPerRequest,
           now().timeIntervalSince(replyToken.receivedAt) < LineConfiguration.replyTokenMaxAge
        {
            switch await reply(token: replyToken.token, objects, transport: transport) {
            case .sent(let id): return .sent(platformMessageID: id, via: .freeText)
            case .other(let outcome): return outcome
            case .tokenRejected: break
            }
        }
        return await push(objects, for: delivery, transport: transport)
    }

    /// `POST /v2/bot/message/reply` with the customer's reply token: free, single use, short-lived
    /// (CHANNELS.md §5.4). The message must fit one reply (five objects).
    public func reply(token: String, _ delivery: OutboundDelivery, transport: any HTTPTransport) async -> LineReplyOutcome {
        switch LineMessageObject.objects(for: delivery.content, textLimit: channel.policy.textLimit) {
        case .success(let objects) where objects.count <= Self.messagesPerRequest:
            return await reply(token: token, objects, transport: transport)
        case .success(let objects):
            return .other(.failed(reason: "a LINE reply carries at most 5 messages; this one needs \(objects.count)"))
        case .failure(let refusal):
            return .other(.failed(reason: refusal.reason))
        }
    }

    private struct ReplyBody: Encodable {
        var replyToken: String
        var messages: [LineMessageObject]
    }

    private struct PushBody: Encodable {
        var to: String
        var messages: [LineMessageObject]
    }

    private func reply(token: String, _ objects: [LineMessageObject], transport: any HTTPTransport) async -> LineReplyOutcome {
        switch await post("/v2/bot/message/reply", ReplyBody(replyToken: token, messages: objects), retryKey: nil, transport) {
        case .accepted(let ids): .sent(platformMessageID: ids.first)
        case .replyTokenRejected(let reason): .tokenRejected(reason: reason)
        case .retryLater(let reason, let after): .other(.retryLater(reason: reason, after: after))
        case .failed(let reason): .other(.failed(reason: reason))
        }
    }

    /// `POST /v2/bot/message/push`, five objects per request, in order. Request `n` of a message
    /// always carries the same retry key, so after a partial failure the retry skips what LINE
    /// already accepted (409) and sends the rest.
    private func push(_ objects: [LineMessageObject], for delivery: OutboundDelivery, transport: any HTTPTransport) async -> SendOutcome {
        let batches = stride(from: 0, to: objects.count, by: Self.messagesPerRequest).map {
            Array(objects[$0..<min($0 + Self.messagesPerRequest, objects.count)])
        }
        var firstID: String?
        for (part, batch) in batches.enumerated() {
            let key = LineRetryKey.key(channel: channel.id, message: delivery.messageID, part: part)
            let answer = await post("/v2/bot/message/push", PushBody(to: delivery.recipient, messages: batch), retryKey: key, transport)
            let progress = batches.count > 1 ? " (part \(part + 1) of \(batches.count); earlier parts arrived)" : ""
            switch answer {
            case .accepted(let ids):
                if part == 0 { firstID = ids.first }
            case .retryLater(let reason, let after):
                return .retryLater(reason: reason + (part > 0 ? progress : ""), after: after)
            case .failed(let reason), .replyTokenRejected(let reason):
                return .failed(reason: reason + (part > 0 ? progress : ""))
            }
        }
        return .sent(platformMessageID: firstID, via: .push)
    }

    private func post(_ path: String, _ body: some Encodable, retryKey: String?, _ transport: any HTTPTransport) async -> LineAPIAnswer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let bytes = try? encoder.encode(body) else { return .failed(reason: "the message could not be encoded as JSON") }
        var headers = [
            "Authorization": "Bearer \(configuration.channelAccessToken)",
            "Content-Type": "application/json; charset=utf-8",
        ]
        if let retryKey { headers["X-Line-Retry-Key"] = retryKey }
        let answer: LineAPIAnswer
        do {
            let response = try await transport.execute(TransportRequest(
                method: "POST", url: configuration.apiBaseURL + path, headers: headers, body: Array(bytes)
            ))
            answer = LineAPIAnswer(response)
        } catch {
            // A timeout may still have delivered the push; its retry key makes the next try safe.
            answer = .retryLater(reason: "LINE API unreachable: \(error)", after: nil)
        }
        return redacted(answer)
    }

    /// The access token never reaches a reason an agent sees or a log stores.
    private func redacted(_ answer: LineAPIAnswer) -> LineAPIAnswer {
        switch answer {
        case .accepted: answer
        case .replyTokenRejected(let reason): .replyTokenRejected(reason: redacted(reason))
        case .retryLater(let reason, let after): .retryLater(reason: redacted(reason), after: after)
        case .failed(let reason): .failed(reason: redacted(reason))
        }
    }
}
