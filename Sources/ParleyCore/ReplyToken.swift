import Foundation

/// A single-use token a platform hands out with a customer's message to answer it for free
/// (LINE's `replyToken`), and when Parley received it: such tokens expire within about a minute
/// (CHANNELS.md §5.4), so a connector judges freshness against `receivedAt`.
public struct ReplyToken: Sendable, Equatable {
    public var token: String
    public var receivedAt: Date

    public init(token: String, receivedAt: Date) {
        self.token = token
        self.receivedAt = receivedAt
    }
}
