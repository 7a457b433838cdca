import ParleyCore
import ParleyRouting
import ParleyStore

/// Why the gateway refused or failed a request. Each case knows its HTTP status and carries a
/// reason a person can act on; ParleyHTTP turns it into a JSON error response.
public enum GatewayError: Error, Equatable, CustomStringConvertible {
    case channelNotFound(ChannelID)
    case connector(ConnectorError)
    case unauthorized(String)
    case forbidden(String)
    case notFound(String)
    case invalid(field: String, reason: String)
    case conflict(String)
    /// The message could not be made durable; the platform should retry.
    case unavailable(String)

    public var httpStatus: Int {
        switch self {
        case .channelNotFound, .notFound: 404
        case .connector(let error): error.httpStatus
        case .unauthorized: 401
        case .forbidden: 403
        case .invalid: 400
        case .conflict: 409
        case .unavailable: 503
        }
    }

    public var description: String {
        switch self {
        case .channelNotFound(let id): "no channel \(id)"
        case .connector(let error): error.reason
        case .unauthorized(let reason), .forbidden(let reason), .notFound(let reason), .conflict(let reason),
            .unavailable(let reason):
            reason
        case .invalid(let field, let reason): "\(field): \(reason)"
        }
    }

    /// A short label for the refusal metric.
    public var metricLabel: String {
        switch self {
        case .channelNotFound: "unknown_channel"
        case .connector(let error): error.metricLabel
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        case .notFound: "not_found"
        case .invalid: "invalid"
        case .conflict: "conflict"
        case .unavailable: "unavailable"
        }
    }

    init(_ error: StoreError) {
        switch error {
        case .notFound(let what): self = .notFound("\(what) not found")
        case .conflict(let reason): self = .conflict(reason)
        case .lifecycle(let lifecycle): self = .conflict(lifecycle.description)
        case .database(let reason): self = .unavailable("storage failed: \(reason)")
        }
    }

    init(_ refusal: AssignmentRules.Refusal) {
        self = .forbidden(refusal.description)
    }
}
