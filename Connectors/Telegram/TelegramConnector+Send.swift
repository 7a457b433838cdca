import Foundation
import ParleyCore

extension TelegramConnector {
    /// The part of `sendMessage`'s (and every send method's) result we keep.
    struct SentMessage: Decodable {
        var message_id: Int64
        var chat: Chat?

        struct Chat: Decodable { var id: Int64 }
    }

    /// Delivers one reply: one Bot API call per piece, in order. A piece that fails stops the
    /// rest; a retried delivery resumes after the pieces Telegram already accepted.
    public func send(_ delivery: OutboundDelivery, transport: any HTTPTransport) async -> SendOutcome {
        let calls: [TelegramOutbound.Call]
        switch TelegramOutbound.calls(for: delivery, textLimit: channel.policy.textLimit) {
        case .success(let built): calls = built
        case .failure(let failure): return .failed(reason: failure.reason)
        }
        let progress = await deliveredPieces.progress(for: delivery.messageID)
        var platformID = progress.platformID
        for (index, call) in calls.enumerated() where index >= progress.count {
            let piece = calls.count > 1 ? " (piece \(index + 1) of \(calls.count))" : ""
            switch await perform(call, transport) {
            case .accepted(let message):
                platformID = message.map { "\($0.chat?.id.description ?? delivery.recipient):\($0.message_id)" } ?? platformID
                await deliveredPieces.record(index + 1, platformID: platformID, for: delivery.messageID)
            case .retryLater(let reason, let after):
                return .retryLater(reason: redacted(reason + piece), after: after)
            case .failed(let reason):
                await deliveredPieces.forget(delivery.messageID)
                let delivered = index > 0 ? "; \(index) of \(calls.count) pieces had been delivered" : ""
                return .failed(reason: redacted(reason + piece + delivered))
            }
        }
        await deliveredPieces.forget(delivery.messageID)
        return .sent(platformMessageID: platformID, via: .freeText)
    }

    private func perform(_ call: TelegramOutbound.Call, _ transport: any HTTPTransport) async -> TelegramAPIAnswer<SentMessage> {
        guard let body = TelegramOutbound.encode(call.body) else { return .failed(reason: "the reply could not be encoded as JSON") }
        let request = TransportRequest(
            method: "POST", url: methodURL(call.method), headers: ["Content-Type": "application/json"], body: body,
            timeout: requestTimeout
        )
        do {
            return TelegramAPIAnswer(try await transport.execute(request))
        } catch {
            return .retryLater(reason: "Telegram API unreachable: \(redacted(String(describing: error)))", after: nil)
        }
    }

    /// `{apiBaseURL}/bot<TOKEN>/<method>`: the token travels in the path, nowhere else.
    func methodURL(_ method: String) -> String {
        "\(configuration.apiBaseURL)/bot\(configuration.botToken)/\(method)"
    }

    /// A reason with the bot token cut out, should any error text ever echo the URL.
    func redacted(_ reason: String) -> String {
        reason.replacingOccurrences(of: configuration.botToken, with: "<bot token>")
    }
}
