import CoreMetrics
import Logging
import ParleyCore
import ParleyStore

extension Gateway {
    /// Wires a gateway over one store: the registry, the group-commit pipeline, the event bus
    /// and the dispatcher. `parleyd` and the tests both build it this way.
    public static func assemble(
        store: SQLiteStore,
        vault: CredentialVault,
        connectors: [ChannelKind: ConnectorBuilder],
        transport: any HTTPTransport,
        metricsFactory: any MetricsFactory,
        logger: Logger,
        publicBaseURL: String,
        clock: any WallClock = SystemClock(),
        retry: RetryPolicy = RetryPolicy(),
        passwords: PasswordHasher = PasswordHasher()
    ) -> Gateway {
        let metrics = GatewayMetrics(factory: metricsFactory)
        let bus = EventBus()
        let registry = ConnectorRegistry(channels: store, vault: vault, builders: connectors)
        let pipeline = IngestPipeline(store: store, bus: bus, metrics: metrics, logger: logger)
        let dispatcher = Dispatcher(
            outbox: store, registry: registry, transport: transport, bus: bus, clock: clock, retry: retry,
            metrics: metrics, logger: logger
        )
        let mediaFetcher = MediaFetcher(
            jobs: store, registry: registry, transport: transport, bus: bus, clock: clock, retry: retry, logger: logger
        )
        let scheduler = DeadlineScheduler(
            deadlines: store, channels: store, registry: registry, bus: bus, dispatcher: dispatcher, clock: clock,
            factory: metricsFactory, logger: logger
        )
        return Gateway(
            conversations: store, agents: store, channels: store, registry: registry, pipeline: pipeline, bus: bus,
            dispatcher: dispatcher, mediaFetcher: mediaFetcher, scheduler: scheduler, media: store, clock: clock, metrics: metrics, logger: logger, publicBaseURL: publicBaseURL,
            passwords: passwords
        )
    }

    public func administration(vault: CredentialVault) -> ChannelAdministration {
        ChannelAdministration(channels: channels, agents: agents, vault: vault, passwords: passwords, clock: clock)
    }
}
