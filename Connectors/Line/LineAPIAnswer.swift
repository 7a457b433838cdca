import Foundation
import ParleyCore

/// What one Messaging API answer means (CHANNELS.md §5.3; error body: line-bot-sdk `ErrorResponse`).
enum LineAPIAnswer: Equatable {
    /// 200, or 409 for a retry key LINE has already accepted: delivered either way.
    case accepted(sentMessageIDs: [String])
    /// 400 "Invalid reply token": the token is used, expired or unknown; nothing was sent.
    case replyTokenRejected(reason: String)
    case retryLater(reason: String, after: TimeInterval?)
    case failed(reason: String)

    private struct Body: Decodable {
        struct Sent: Decodable { var id: String }
        struct Detail: Decodable {
            var message: String?
            var property: String?
        }
        var message: String?
        var details: [Detail]?
        var sentMessages: [Sent]?
    }

    init(_ response: TransportResponse) {
        let body = try? JSONDecoder().decode(Body.self, from: Data(response.body))
        let sent = body?.sentMessages?.map(\.id) ?? []
        let explained = Self.explanation(body)
        switch response.status {
        case 200..<300, 409:
            self = .accepted(sentMessageIDs: sent)
        case 429:
            let after = response.header("Retry-After").flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
            self = .retryLater(reason: "LINE rate limit (HTTP 429)\(explained)", after: after)
        case 500...:
            self = .retryLater(reason: "LINE API answered HTTP \(response.status)\(explained)", after: nil)
        case 400 where body?.message?.lowercased().contains("reply token") == true:
            self = .replyTokenRejected(reason: "LINE refused the reply token (HTTP 400)\(explained)")
        case 401:
            self = .failed(reason: "LINE refused the channel access token (HTTP 401)\(explained)")
        case 403:
            self = .failed(reason: "LINE refused the request: the channel may not use this API (HTTP 403)\(explained)")
        default:
            self = .failed(reason: "LINE refused the message (HTTP \(response.status))\(explained)")
        }
    }

    /// `: <message> (<property>: <detail>; …)`, or nothing when LINE said nothing.
    private static func explanation(_ body: Body?) -> String {
        guard let body, let message = body.message, !message.isEmpty else { return "" }
        let details = (body.details ?? []).compactMap { detail -> String? in
            switch (detail.property, detail.message) {
            case (let property?, let message?): "\(property): \(message)"
            case (nil, let message?): message
            case (let property?, nil): property
            case (nil, nil): nil
            }
        }
        return details.isEmpty ? ": \(message)" : ": \(message) (\(details.joined(separator: "; ")))"
    }
}
