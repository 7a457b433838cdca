import Foundation
import ParleyCore

/// The account's access_token, fetched from `/cgi-bin/token` and shared by every send.
///
/// WeChat invalidates the previous token whenever a new one is fetched (CHANNELS.md §1.4), so
/// refreshing must be single-flight: concurrent sends that find the token missing, stale or
/// rejected all wait on one fetch, and a send whose token was already replaced by someone
/// else's refresh just takes the new one instead of fetching again.
actor WeChatAccessTokens {
    enum TokenError: Error, CustomStringConvertible {
        /// WeChat answered with an error code (wrong appId/appSecret, IP not whitelisted…).
        case refused(code: Int, message: String)
        /// The call failed or the answer was not a token; worth trying again later.
        case unavailable(String)

        var description: String {
            switch self {
            case .refused(let code, let message): "WeChat refused the access_token request: \(code) \(message)"
            case .unavailable(let reason): "access_token unavailable: \(reason)"
            }
        }
    }

    private struct Token {
        var value: String
        var expiresAt: Date
    }

    private struct TokenAnswer: Decodable {
        var access_token: String?
        var expires_in: Double?
        var errcode: Int?
        var errmsg: String?
    }

    /// Old and new tokens overlap for five minutes, so refreshing this early never leaves a gap.
    private static let refreshMargin: TimeInterval = 5 * 60

    private let tokenURL: String
    private let now: @Sendable () -> Date
    private var current: Token?
    private var refreshing: Task<Token, any Error>?

    init(apiBaseURL: String, appID: String, appSecret: String, now: @escaping @Sendable () -> Date) {
        tokenURL = "\(apiBaseURL)/cgi-bin/token?grant_type=client_credential&appid=\(Self.escape(appID))&secret=\(Self.escape(appSecret))"
        self.now = now
    }

    /// A token valid for at least the refresh margin.
    func token(using transport: any HTTPTransport) async throws -> String {
        if let current, current.expiresAt.timeIntervalSince(now()) > Self.refreshMargin { return current.value }
        return try await refresh(using: transport)
    }

    /// A token other than `rejected`, which WeChat just refused (40001/40014/42001).
    func replace(_ rejected: String, using transport: any HTTPTransport) async throws -> String {
        if let current, current.value != rejected, current.expiresAt > now() { return current.value }
        return try await refresh(using: transport)
    }

    private func refresh(using transport: any HTTPTransport) async throws -> String {
        if let refreshing { return try await refreshing.value.value }
        let task = Task { [tokenURL, now] in try await Self.fetch(tokenURL, transport: transport, now: now) }
        refreshing = task
        defer { refreshing = nil }
        let token = try await task.value
        current = token
        return token.value
    }

    private static func fetch(_ url: String, transport: any HTTPTransport, now: @Sendable () -> Date) async throws -> Token {
        let response: TransportResponse
        do {
            response = try await transport.execute(TransportRequest(method: "GET", url: url))
        } catch {
            throw TokenError.unavailable("\(error)")
        }
        guard (200..<300).contains(response.status) else { throw TokenError.unavailable("HTTP \(response.status)") }
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(response.body)) else {
            throw TokenError.unavailable("the answer is not JSON")
        }
        if let code = answer.errcode, code != 0 { throw TokenError.refused(code: code, message: answer.errmsg ?? "") }
        guard let value = answer.access_token, !value.isEmpty else { throw TokenError.unavailable("no access_token in the answer") }
        return Token(value: value, expiresAt: now().addingTimeInterval(answer.expires_in ?? 7200))
    }

    private static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }
}
