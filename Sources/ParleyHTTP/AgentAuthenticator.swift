import Hummingbird
import ParleyCore
import ParleyGateway

/// Resolves `Authorization: Bearer <token>` to the agent it belongs to; anything else is a 401.
/// Only WebSocket upgrades also take `?token=`, because browsers cannot set headers on them;
/// elsewhere a token in the URL would end up in access logs and browser history.
struct AgentAuthenticator: RouterMiddleware {
    typealias Context = AppRequestContext
    let gateway: Gateway

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.agent = try await gateway.agent(forToken: try Self.token(in: request, allowQuery: false))
        return try await next(request, context)
    }

    static func token(in request: Request, allowQuery: Bool) throws(GatewayError) -> String {
        if let token = BearerToken.parse(request.headers[.authorization]) {
            return token
        }
        if allowQuery, let token = request.uri.queryParameters["token"], !token.isEmpty {
            return String(token)
        }
        throw GatewayError.unauthorized("a bearer token is required (Authorization: Bearer <token>)")
    }
}
