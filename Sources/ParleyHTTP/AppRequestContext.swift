import Hummingbird
import HummingbirdWebSocket
import ParleyCore

/// Per-request context: Hummingbird's core storage, the WebSocket handler slot, and the agent
/// the bearer token proved (set by `AgentAuthenticator`).
public struct AppRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public var agent: Agent?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        agent = nil
    }

    /// The authenticated agent; routes behind `AgentAuthenticator` always have one.
    func requireAgent() throws -> Agent {
        guard let agent else { throw HTTPError(.unauthorized, message: "a bearer token is required") }
        return agent
    }
}
