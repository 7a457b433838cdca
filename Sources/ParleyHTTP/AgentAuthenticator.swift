import Hummingbird
import ParleyGateway

/// Resolves `Authorization: Bearer <token>` (or `?token=` for browser WebSockets, which cannot
/// set headers) to the agent it belongs to; anything else is a 401.
struct AgentAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let gateway: Gateway

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.agent = try await gateway.agent(forToken: try Self.token(in: request))
        return try await next(request, context)
    }

    static func token(in request: Request) throws(GatewayError) -> String {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return String(header.dropFirst("Bearer ".count))
        }
        if let token = request.uri.queryParameters["token"], !token.isEmpty {
            return String(token)
        }
        throw GatewayError.unauthorized("a bearer token is required (Authorization: Bearer <token>)")
    }
}
