import Foundation
import ParleyCore

/// Calls to the Graph API (`{apiBaseURL}/{graphVersion}/…`) with the channel's token as
/// `Authorization: Bearer …`, so the token never appears in a URL, a log line or a reason.
public struct GraphClient: Sendable {
    public let apiBaseURL: String
    public let graphVersion: String
    let accessToken: String
    /// "WhatsApp" or "Messenger".
    public let platform: String
    public let timeout: TimeInterval

    public init(apiBaseURL: String, graphVersion: String, accessToken: String, platform: String, timeout: TimeInterval = 15) {
        self.apiBaseURL = apiBaseURL
        self.graphVersion = graphVersion
        self.accessToken = accessToken
        self.platform = platform
        self.timeout = timeout
    }

    /// `{apiBaseURL}/{graphVersion}/{path}`.
    public func url(_ path: String) -> String { "\(apiBaseURL)/\(graphVersion)/\(path)" }

    public var authorization: [String: String] { ["Authorization": "Bearer \(accessToken)"] }

    /// `POST` a JSON body.
    public func post(_ path: String, json: [UInt8], transport: any HTTPTransport) async -> GraphAnswer {
        var headers = authorization
        headers["Content-Type"] = "application/json"
        return await call(TransportRequest(method: "POST", url: url(path), headers: headers, body: json, timeout: timeout), transport)
    }

    /// `GET` a Graph node (a media id's metadata).
    public func get(_ path: String, transport: any HTTPTransport) async -> GraphAnswer {
        await call(TransportRequest(method: "GET", url: url(path), headers: authorization, timeout: timeout), transport)
    }

    private func call(_ request: TransportRequest, _ transport: any HTTPTransport) async -> GraphAnswer {
        let answer: GraphAnswer
        do {
            answer = GraphAnswer(try await transport.execute(request), platform: platform)
        } catch {
            answer = .retryLater(reason: "\(platform) API unreachable: \(error)", after: nil)
        }
        return redacted(answer)
    }

    /// `text` with the access token cut out, should an error ever echo it.
    public func redacted(_ text: String) -> String {
        accessToken.isEmpty ? text : text.replacingOccurrences(of: accessToken, with: "[access token]")
    }

    private func redacted(_ answer: GraphAnswer) -> GraphAnswer {
        switch answer {
        case .accepted: return answer
        case .retryLater(let reason, let after): return .retryLater(reason: redacted(reason), after: after)
        case .refused(let status, let error):
            guard var cleaned = error else { return answer }
            cleaned.message = cleaned.message.map(redacted)
            cleaned.details = cleaned.details.map(redacted)
            cleaned.userMessage = cleaned.userMessage.map(redacted)
            cleaned.userTitle = cleaned.userTitle.map(redacted)
            return .refused(status: status, error: cleaned)
        }
    }
}
