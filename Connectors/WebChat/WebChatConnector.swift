import Foundation
import ParleyCore

/// The web-chat widget's channel. Visitors are anonymous: each gets a token
/// `v1.<visitorId>.<HMAC-SHA256(visitorSecret, "v1." + visitorId)>` that the widget keeps in
/// localStorage, so a returning visitor is recognised without a login and without a database
/// read. Messages from visitors arrive as `POST /hooks/{channelId}` (HTTP fallback) or over the
/// visitor WebSocket, both decoded here; replies are held in the store and pushed to the
/// visitor's sockets by the gateway, so `send` has no platform to call.
///
/// Settings: `offlineFallbackAfter` (default `2m`; `0s` turns the push-back off) — how long a
/// reply waits for an away visitor before Web Push / email / a linked channel carries it;
/// `reopenURL` — the business's page embedding the widget, where the email's link takes the
/// visitor (default: parleyd's own `/chat/{channelId}` page).
public struct WebChatConnector: VisitorChannelConnector {
    public enum ConfigurationError: Error, CustomStringConvertible {
        case missingVisitorSecret
        case invalidSetting(name: String, value: String, expected: String)
        public var description: String {
            switch self {
            case .missingVisitorSecret: "web-chat channel credential 'visitorSecret' is missing"
            case .invalidSetting(let name, let value, let expected): "web-chat setting '\(name)' is '\(value)'; expected \(expected)"
            }
        }
    }

    public let channel: Channel
    private let tokens: VisitorTokenBook
    public let offlineFallbackAfter: TimeInterval
    public let reopenURL: String?
    static let maximumTextLength = 10_000
    static let maximumClientIDLength = 128
    public static let defaultOfflineFallbackAfter: TimeInterval = 120

    public init(channel: Channel, credentials: [String: String]) throws(ConfigurationError) {
        guard let secret = credentials["visitorSecret"], !secret.isEmpty else { throw .missingVisitorSecret }
        self.channel = channel
        tokens = VisitorTokenBook(secret: Array(secret.utf8))
        if let text = channel.settings["offlineFallbackAfter"] {
            guard let after = try? DurationText.parse(text) else {
                throw .invalidSetting(name: "offlineFallbackAfter", value: text, expected: "a duration such as 90s, 2m or 1h (0s turns it off)")
            }
            offlineFallbackAfter = after
        } else {
            offlineFallbackAfter = Self.defaultOfflineFallbackAfter
        }
        let page = channel.settings["reopenURL"]?.trimmingCharacters(in: .whitespaces) ?? ""
        if page.isEmpty {
            reopenURL = nil
        } else {
            // The link lands in an email: only a web page the visitor's browser can open belongs there.
            guard let url = URL(string: page), ["https", "http"].contains(url.scheme?.lowercased()), url.host != nil, url.fragment == nil else {
                throw .invalidSetting(name: "reopenURL", value: page, expected: "an http(s) URL of the page embedding the widget, without a #fragment")
            }
            reopenURL = page
        }
    }

    public func verify(_ request: WebhookRequest) throws(ConnectorError) -> WebhookResponse {
        throw .unsupportedRequest("web chat has no URL verification; visitors POST their messages")
    }

    public func authenticate(_ request: WebhookRequest) throws(ConnectorError) {
        guard visitorID(fromToken: try token(of: request)) != nil else { throw .unauthorized("the visitor token is invalid") }
    }

    public func decode(_ request: WebhookRequest) throws(ConnectorError) -> [InboundEvent] {
        // `authenticate` verified the token already, so this finds it in the book.
        guard let visitorID = tokens.visitorID(fromToken: try token(of: request)) else {
            throw .unauthorized("the visitor token is invalid")
        }
        let body: VisitorMessageBody
        do {
            body = try VisitorMessageBody(json: request.body)
        } catch {
            let reason = switch error {
            case .malformed(let reason): reason
            case .notAString(let member): "\(member) is not a string"
            }
            throw .malformedPayload("body must be JSON {\"clientId\": string, \"text\": string}: \(reason)")
        }
        guard !body.clientId.isEmpty, Self.fits(body.clientId, Self.maximumClientIDLength) else {
            throw .malformedPayload("clientId must be 1 to \(Self.maximumClientIDLength) characters")
        }
        guard body.text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw .malformedPayload("text must not be empty")
        }
        guard Self.fits(body.text, Self.maximumTextLength) else {
            throw .malformedPayload("text is longer than \(Self.maximumTextLength) characters")
        }
        let message = InboundMessage(
            externalUserID: visitorID, displayName: body.name,
            platformMessageID: VisitorMessageKey.platformMessageID(visitorID: visitorID, clientID: body.clientId),
            content: .text(body.text), sentAt: Date()
        )
        return [.message(message)]
    }

    public func acknowledge(_ request: WebhookRequest, receipts: [IngestReceipt]) -> WebhookResponse {
        guard let receipt = receipts.first else { return .json(Array("{}".utf8)) }
        // Built by hand: this answer goes out for every visitor message.
        let clientID = JSONText.quoted(VisitorMessageKey.clientID(from: receipt.platformMessageID))
        return .json(Array(
            #"{"clientId":\#(clientID),"conversationId":\#(receipt.conversationID.rawValue),"duplicate":\#(receipt.duplicate),"id":\#(receipt.messageID.rawValue)}"#.utf8
        ))
    }

    /// Nothing to call: the reply is already stored, the gateway pushes it to open sockets and
    /// a visitor who is away receives it on return.
    public func send(_ delivery: OutboundDelivery, transport: any HTTPTransport) async -> SendOutcome {
        .sent(platformMessageID: nil, via: .freeText)
    }

    public func issueVisitorToken() -> (visitorID: String, token: String) {
        let visitorID = "v_" + (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
        return (visitorID, token(forVisitor: visitorID))
    }

    public func token(forVisitor visitorID: String) -> String {
        tokens.token(forVisitor: visitorID)
    }

    public func visitorID(fromToken token: String) -> String? {
        tokens.visitorID(fromToken: token)
    }

    /// Whether `text` has at most `limit` characters, without counting grapheme clusters when its
    /// byte length already proves it (it cannot have more characters than bytes).
    private static func fits(_ text: String, _ limit: Int) -> Bool {
        text.utf8.count <= limit || text.count <= limit
    }

    private func token(of request: WebhookRequest) throws(ConnectorError) -> String {
        let token = BearerToken.parse(request.header("Authorization")) ?? request.header("X-Parley-Visitor-Token") ?? ""
        guard !token.isEmpty else { throw .unauthorized("a visitor token is required (Authorization: Bearer <token>)") }
        return token
    }
}
