import Foundation
import ParleyCore

/// `mode=polling` (`getUpdates`) for deployments without a public URL, and `setWebhook` for
/// `parleyd channel connect`. Telegram refuses `getUpdates` while a webhook is set (§2.1).
extension TelegramConnector: PollingConnector, WebhookRegisteringConnector {
    public var pollsForUpdates: Bool { configuration.mode == .polling }

    private struct WebhookAnswer: Decodable {}

    /// The cursor is the next `offset`: one above the last update fetched. Passing it confirms
    /// everything below, so it is only sent once those updates are stored (the poller's rule).
    public func poll(after cursor: String?, wait: Int, transport: any HTTPTransport) async -> PollResult {
        var body: [String: Any] = ["timeout": max(0, wait)]
        if let offset = cursor.flatMap(Int64.init) { body["offset"] = offset }
        guard let bytes = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) else {
            return .failed(reason: "the poll could not be encoded")
        }
        let request = TransportRequest(
            method: "POST", url: methodURL("getUpdates"), headers: ["Content-Type": "application/json"], body: Array(bytes),
            timeout: TimeInterval(wait) + requestTimeout
        )
        let response: TransportResponse
        do {
            response = try await transport.execute(request)
        } catch {
            return .retryLater(reason: "Telegram API unreachable: \(redacted(String(describing: error)))")
        }
        if response.status == 409 {
            return .failed(reason: "Telegram refuses getUpdates while a webhook is set; remove it (deleteWebhook) or use mode=webhook")
        }
        switch TelegramAPIAnswer<[TelegramUpdate]>(response) {
        case .accepted(let updates):
            let updates = updates ?? []
            // An update Parley cannot file under a customer is skipped, not retried forever.
            let events = updates.flatMap { (try? TelegramInbound.events(from: $0, now: now())) ?? [] }
            let next = updates.map(\.updateID).max().map { String($0 + 1) } ?? cursor ?? ""
            return .updates(events, next: next)
        case .retryLater(let reason, _):
            return .retryLater(reason: redacted(reason))
        case .failed(let reason):
            return .failed(reason: redacted(reason))
        }
    }

    public func registerWebhook(url: String, transport: any HTTPTransport) async throws(ConnectorError) -> String {
        guard let secret = configuration.secretToken else {
            throw .forbidden("the channel has no secretToken; add one so Telegram's calls can be authenticated")
        }
        let body: [String: Any] = ["url": url, "secret_token": secret]
        guard let bytes = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw .malformedPayload("the webhook URL could not be encoded")
        }
        let request = TransportRequest(
            method: "POST", url: methodURL("setWebhook"), headers: ["Content-Type": "application/json"], body: Array(bytes),
            timeout: requestTimeout
        )
        let response: TransportResponse
        do {
            response = try await transport.execute(request)
        } catch {
            throw .unsupportedRequest("Telegram API unreachable: \(redacted(String(describing: error)))")
        }
        switch TelegramAPIAnswer<Bool>(response) {
        case .accepted: return "Telegram accepted the webhook"
        case .retryLater(let reason, _), .failed(let reason): throw .forbidden(redacted(reason))
        }
    }
}
