import Foundation
import ParleyCore

/// A minimal platform for tests: webhooks are JSON `{"from","id","text"}` authenticated by an
/// `X-Test-Secret` header; sends are `POST {apiBaseURL}/send` with `{"to","text"}`, and the
/// platform's HTTP status decides the outcome the way real connectors map theirs.
public struct RecordingConnector: ChannelConnector {
    public let channel: Channel
    private let secret: String

    public init(channel: Channel, credentials: [String: String]) {
        self.channel = channel
        self.secret = credentials["secret"] ?? "test-secret"
    }

    public func verify(_ request: WebhookRequest) throws(ConnectorError) -> WebhookResponse {
        guard let challenge = request.queryValue("challenge") else { throw .unsupportedRequest("no challenge") }
        return .text(challenge)
    }

    public func authenticate(_ request: WebhookRequest) throws(ConnectorError) {
        guard ConstantTime.equals(request.header("X-Test-Secret") ?? "", secret) else { throw .unauthorized("bad secret") }
    }

    fileprivate struct Inbound: Decodable {
        var from: String
        var id: String
        var text: String
    }

    public func decode(_ request: WebhookRequest) throws(ConnectorError) -> [InboundEvent] {
        guard let inbound = try? JSONDecoder().decode([Inbound].self, from: Data(request.body)) else {
            throw .malformedPayload("expected a JSON array of {from, id, text}")
        }
        // Like SMS, the words STOP and START also opt the sender out of messages and back in.
        return inbound.flatMap { item -> [InboundEvent] in
            let message = InboundEvent.message(
                InboundMessage(externalUserID: item.from, platformMessageID: item.id, content: .text(item.text), sentAt: Date())
            )
            switch item.text {
            case "STOP": return [message, .optOut(externalUserID: item.from, optedOut: true)]
            case "START": return [message, .optOut(externalUserID: item.from, optedOut: false)]
            default: return [message]
            }
        }
    }

    public func acknowledge(_ request: WebhookRequest, receipts: [IngestReceipt]) -> WebhookResponse {
        .text("ok \(receipts.count)")
    }

    public func send(_ delivery: OutboundDelivery, transport: any HTTPTransport) async -> SendOutcome {
        let base = channel.settings["apiBaseURL"] ?? "http://127.0.0.1:9"
        let body = try! JSONSerialization.data(withJSONObject: ["to": delivery.recipient, "text": delivery.content.previewText], options: [.sortedKeys])
        let request = TransportRequest(method: "POST", url: base + "/send", headers: ["Content-Type": "application/json"], body: Array(body))
        do {
            let response = try await transport.execute(request)
            switch response.status {
            case 200..<300: return .sent(platformMessageID: String(decoding: response.body, as: UTF8.self), via: .freeText)
            case 429: return .retryLater(reason: "rate limited", after: response.header("Retry-After").flatMap(TimeInterval.init))
            case 500...: return .retryLater(reason: "platform error \(response.status)", after: nil)
            default: return .failed(reason: "platform refused the message (\(response.status))")
            }
        } catch {
            return .retryLater(reason: "\(error)", after: nil)
        }
    }
}

/// With `mode=polling`, the recording platform also serves `GET {apiBaseURL}/updates?after=<cursor>`
/// answering `{"updates": [{from, id, text}], "next": "<cursor>"}`, for testing the poller.
extension RecordingConnector: PollingConnector {
    public var pollsForUpdates: Bool { channel.settings["mode"] == "polling" }

    private struct Page: Decodable {
        var updates: [Inbound]
        var next: String
    }

    public func poll(after cursor: String?, wait: Int, transport: any HTTPTransport) async -> PollResult {
        let base = channel.settings["apiBaseURL"] ?? "http://127.0.0.1:9"
        let url = base + "/updates" + (cursor.map { "?after=\($0)" } ?? "")
        do {
            let response = try await transport.execute(TransportRequest(method: "GET", url: url))
            guard response.status == 200 else { return .retryLater(reason: "platform error \(response.status)") }
            guard let page = try? JSONDecoder().decode(Page.self, from: Data(response.body)) else {
                return .failed(reason: "unreadable page")
            }
            let events = page.updates.map {
                InboundEvent.message(InboundMessage(externalUserID: $0.from, platformMessageID: $0.id, content: .text($0.text), sentAt: Date()))
            }
            return .updates(events, next: page.next)
        } catch {
            return .retryLater(reason: "\(error)")
        }
    }
}
