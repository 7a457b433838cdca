import Foundation
import Hummingbird
import ParleyGateway

/// What supervisors watch, under `/api/v1/supervisor` (see docs/openapi.yaml).
struct SupervisorRoutes {
    let gateway: Gateway

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1/supervisor").add(middleware: AgentAuthenticator(gateway: gateway))
        api.get("figures") { request, context in
            let since = try request.uri.queryParameters["since"].map { text throws(GatewayError) in try Self.time(String(text), field: "since") }
            let figures = try await gateway.supervisorFigures(since: since, for: try context.requireAgent())
            return try JSONCoding.response(FiguresView(figures))
        }
    }

    /// An ISO-8601 time with a zone, with or without fractional seconds.
    static func time(_ text: String, field: String) throws(GatewayError) -> Date {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        throw GatewayError.invalid(field: field, reason: "'\(text)' is not an ISO-8601 time such as 2026-11-24T09:00:00Z")
    }
}
