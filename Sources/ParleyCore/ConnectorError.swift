/// Why a connector refused a platform request. Each case knows the HTTP status the platform
/// gets; the reason goes to the log and, where it helps the caller, to the response body.
public enum ConnectorError: Error, Equatable, CustomStringConvertible {
    /// The signature, token or secret did not match.
    case unauthorized(String)
    /// The request authenticated but its body is not what the platform sends.
    case malformedPayload(String)
    /// The request is understood but the channel does not serve it (e.g. a GET without a challenge).
    case unsupportedRequest(String)
    case forbidden(String)

    public var httpStatus: Int {
        switch self {
        case .unauthorized: 401
        case .malformedPayload: 400
        case .unsupportedRequest: 405
        case .forbidden: 403
        }
    }

    public var reason: String {
        switch self {
        case .unauthorized(let reason), .malformedPayload(let reason), .unsupportedRequest(let reason),
            .forbidden(let reason):
            reason
        }
    }

    /// A short label for metrics.
    public var metricLabel: String {
        switch self {
        case .unauthorized: "unauthorized"
        case .malformedPayload: "malformed"
        case .unsupportedRequest: "unsupported"
        case .forbidden: "forbidden"
        }
    }

    public var description: String { reason }
}
