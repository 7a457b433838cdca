import Hummingbird
import HummingbirdWebSocket
import Logging
import ParleyCore
import ParleyGateway
import Prometheus
import ServiceLifecycle

/// Where the server listens and what it shows.
public struct HTTPConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The web-chat channel the `/demo` page embeds.
    public var demoChannelID: ChannelID?

    public init(host: String = "127.0.0.1", port: Int = 8080, demoChannelID: ChannelID? = nil) {
        self.host = host
        self.port = port
        self.demoChannelID = demoChannelID
    }
}

/// The composition root of the HTTP side (STYLE.md §3): called by `parleyd` and by tests.
/// The dispatcher and any extra services run in the same service group, so they start and stop
/// with the server.
public func buildApplication(
    configuration: HTTPConfiguration,
    gateway: Gateway,
    metricsRegistry: PrometheusCollectorRegistry,
    services: [any Service] = [],
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let router = Router(context: AppRequestContext.self)
    // The widget is embedded on the business's own site, so its calls are cross-origin. Every
    // API authenticates with a bearer token, never a cookie, so allowing any origin leaks nothing.
    router.middlewares.add(CORSMiddleware(allowOrigin: .originBased, allowHeaders: [.authorization, .contentType], allowMethods: [.get, .post, .put, .patch, .delete, .options]))
    router.middlewares.add(ErrorMiddleware(metrics: gateway.metrics))
    HealthRoutes(gateway: gateway, registry: metricsRegistry).register(on: router)
    WebhookRoutes(gateway: gateway).register(on: router)
    AgentRoutes(gateway: gateway).register(on: router)
    RoutingRoutes(gateway: gateway).register(on: router)
    BotRoutes(gateway: gateway).register(on: router)
    SupervisorRoutes(gateway: gateway).register(on: router)
    LabelRoutes(gateway: gateway).register(on: router)
    CannedRoutes(gateway: gateway).register(on: router)
    ContactRoutes(gateway: gateway).register(on: router)
    WebhookSubscriptionRoutes(gateway: gateway).register(on: router)
    VisitorRoutes(gateway: gateway).register(on: router)
    try AssetRoutes(gateway: gateway, demoChannelID: configuration.demoChannelID).register(on: router)

    let socketRouter = Router(context: AppRequestContext.self)
    socketRouter.middlewares.add(ErrorMiddleware(metrics: gateway.metrics))
    StreamRoutes(gateway: gateway).register(on: socketRouter)
    VisitorSocketRoutes(gateway: gateway).register(on: socketRouter)

    var app = Application(
        router: router,
        server: .http1WebSocketUpgrade(webSocketRouter: socketRouter, configuration: .init(maxFrameSize: HTTPLimits.maximumBody)),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
    // Shut down in reverse order: streams close first, so the server is not kept waiting on sockets.
    // The routing service stays next to the closer: its bus stream ends with the closer, and the
    // service group calls a service that ends before its turn a failure.
    app.addServices(
        gateway.dispatcher, gateway.pushBackDispatcher, gateway.mediaFetcher, gateway.scheduler, gateway.webhookRelay,
        gateway.webhookDeliverer, gateway.bot, gateway.routing, EventStreamCloser(bus: gateway.bus)
    )
    for service in services { app.addServices(service) }
    return app
}
