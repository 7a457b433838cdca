import Foundation
import ParleyCore

/// What one Graph API answer means for a send or a lookup.
public enum GraphAnswer: Sendable, Equatable {
    /// 2xx: the body is the result.
    case accepted(body: [UInt8])
    /// 429, a throttling code, a temporary code, 5xx or no answer: try again, not before
    /// `after` seconds when Meta said so (`Retry-After`).
    case retryLater(reason: String, after: TimeInterval?)
    /// Anything else: it will not succeed as sent. The connector words the reason, since
    /// some codes mean something channel-specific (WhatsApp 131047, Messenger 2018278).
    case refused(status: Int, error: GraphError?)

    public init(_ response: TransportResponse, platform: String) {
        if (200..<300).contains(response.status) {
            self = .accepted(body: response.body)
            return
        }
        let error = GraphError.parse(response.body)
        let said = error.map { ": \($0.summary)" } ?? ""
        let after = response.header("Retry-After").flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
        if response.status == 429 || error?.isThrottling == true {
            self = .retryLater(reason: "\(platform) rate limit (HTTP \(response.status))\(said)", after: after)
        } else if response.status >= 500 || error?.isTemporary == true {
            self = .retryLater(reason: "\(platform) API answered HTTP \(response.status)\(said)", after: after)
        } else {
            self = .refused(status: response.status, error: error)
        }
    }

    /// A reason for a refusal no channel-specific rule explains.
    public static func reason(status: Int, error: GraphError?, platform: String) -> String {
        if error?.code == GraphError.invalidTokenCode || status == 401 {
            return "\(platform) refused the access token; check the channel's credentials (HTTP \(status)\(error.map { ": \($0.summary)" } ?? ""))"
        }
        return "\(platform) refused the message (HTTP \(status)\(error.map { ": \($0.summary)" } ?? ""))"
    }
}
