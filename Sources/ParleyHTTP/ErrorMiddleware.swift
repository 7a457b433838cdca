import Hummingbird
import Logging
import NIOCore
import ParleyGateway

/// Turns every refusal into `{"error": reason}` with its status, logs it and counts it, so a
/// caller always learns what to fix and an operator sees refusals in `/metrics`.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: GatewayMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as GatewayError {
            return refuse(request, context, status: .init(code: error.httpStatus), reason: error.description, label: error.metricLabel)
        } catch let error as HTTPError {
            let reason = error.body ?? Self.defaultReason(error.status)
            return refuse(request, context, status: error.status, reason: reason, label: Self.label(error.status))
        } catch is NIOTooManyBytesError {
            return refuse(request, context, status: .contentTooLarge, reason: Self.defaultReason(.contentTooLarge), label: "too_large")
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            metrics.refused("internal", route: Self.route(request))
            return (try? JSONCoding.response(ErrorBody(error: "internal error"), status: .internalServerError))
                ?? Response(status: .internalServerError)
        }
    }

    private func refuse(_ request: Request, _ context: Context, status: HTTPResponse.Status, reason: String, label: String) -> Response {
        let level: Logger.Level = status.code >= 500 ? .error : .notice
        context.logger.log(level: level, "request refused", metadata: [
            "status": "\(status.code)", "path": "\(request.uri.path)", "reason": "\(reason)",
        ])
        metrics.refused(label, route: Self.route(request))
        return (try? JSONCoding.response(ErrorBody(error: reason), status: status)) ?? Response(status: status)
    }

    /// A low-cardinality route label: the first path segment(s), never ids.
    static func route(_ request: Request) -> String {
        let segments = request.uri.path.split(separator: "/")
        if segments.first == "api", segments.count >= 3 { return "/api/v1/\(segments[2])" }
        return "/" + (segments.first.map(String.init) ?? "")
    }

    static func defaultReason(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "the request body is larger than 1 MiB"
        case .notFound: "no such route"
        case .methodNotAllowed: "method not allowed on this route"
        default: status.reasonPhrase
        }
    }

    static func label(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "too_large"
        case .notFound: "not_found"
        case .unauthorized: "unauthorized"
        case .badRequest: "invalid"
        default: "http_\(status.code)"
        }
    }
}
