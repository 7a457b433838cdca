import CoreMetrics
import Logging
import ParleyCore
import ParleyStore

extension Gateway {
    /// Wires a gateway over one store: the registry, the group-commit pipeline, the event bus
    /// and the dispatcher. `parleyd` and the tests both build it this way. `webhookPayload`
    /// writes an event as outgoing webhooks carry it (ParleyHTTP's `WebhookPayload.encode`).
    public static func assemble(
        store: SQLiteStore,
        vault: CredentialVault,
        connectors: [ChannelKind: ConnectorBuilder],
        transport: any HTTPTransport,
        webhookPayload: @escaping WebhookPayloadEncoder,
        metricsFactory: any MetricsFactory,
        logger: Logger,
        publicBaseURL: String,
        clock: any WallClock = SystemClock(),
        retry: RetryPolicy = RetryPolicy(),
        passwords: PasswordHasher = PasswordHasher(),
        kindSettings: [ChannelKind: [String: String]] = [:],
        webPush: (any WebPushSending)? = nil,
        mail: PushBackMail? = nil
    ) -> Gateway {
        let metrics = GatewayMetrics(factory: metricsFactory)
        let bus = EventBus()
        let registry = ConnectorRegistry(channels: store, vault: vault, builders: connectors, kindSettings: kindSettings)
        let pipeline = IngestPipeline(store: store, bus: bus, metrics: metrics, logger: logger)
        let visitors = VisitorPresence()
        let dispatcher = Dispatcher(
            outbox: store, registry: registry, transport: transport, bus: bus, visitors: visitors, clock: clock, retry: retry,
            metrics: metrics, logger: logger
        )
        let mediaFetcher = MediaFetcher(
            jobs: store, registry: registry, transport: transport, bus: bus, clock: clock, retry: retry, logger: logger
        )
        let planning = DeliveryPlanning(
            registry: registry, reach: store, pushSubscriptions: store, visitors: visitors, webPushConfigured: webPush != nil,
            mailConfigured: mail != nil, clock: clock
        )
        let pushBacks = PushBackDispatcher(
            pushBacks: store, conversations: store, agents: store, reach: store, pushSubscriptions: store, planning: planning,
            registry: registry, webPush: webPush, mail: mail, transport: transport, bus: bus, clock: clock, retry: retry,
            factory: metricsFactory, logger: logger, publicBaseURL: publicBaseURL
        )
        let scheduler = DeadlineScheduler(
            deadlines: store, channels: store, registry: registry, bus: bus, dispatcher: dispatcher, pushBacks: pushBacks, clock: clock,
            factory: metricsFactory, logger: logger
        )
        dispatcher.onDeadlineWritten { scheduler.note($0) }
        dispatcher.onHandedOn { pushBacks.wake() }
        let routing = RoutingService(
            store: store, registry: registry, bus: bus, clock: clock, factory: metricsFactory, logger: logger, onMessagesQueued: { dispatcher.wake() }
        )
        let bot = BotService(
            store: store, registry: registry, bus: bus, clock: clock, factory: metricsFactory, logger: logger, onMessagesQueued: { dispatcher.wake() }
        )
        let webhookDeliverer = WebhookDeliverer(
            webhooks: store, vault: vault, transport: transport, clock: clock, retry: retry, factory: metricsFactory, logger: logger
        )
        let webhookRelay = WebhookRelay(webhooks: store, encode: webhookPayload, deliverer: webhookDeliverer, clock: clock, logger: logger)
        bus.onPublish { webhookRelay.noteCommit() }
        return Gateway(
            conversations: store, agents: store, channels: store, registry: registry, pipeline: pipeline, bus: bus,
            dispatcher: dispatcher, mediaFetcher: mediaFetcher, scheduler: scheduler, pushBackDispatcher: pushBacks, routing: routing,
            bot: bot, bots: store, webhookRelay: webhookRelay, webhookDeliverer: webhookDeliverer,
            webhookAdministration: WebhookAdministration(webhooks: store, vault: vault, clock: clock, failingAfter: retry.maximumAttempts),
            teams: store, workbench: store, canned: store, surveys: store, figures: store, media: store,
            reach: store, pushSubscriptions: store, webPush: webPush, mail: mail, visitors: visitors, clock: clock, metrics: metrics,
            logger: logger, publicBaseURL: publicBaseURL, vault: vault, passwords: passwords
        )
    }

    public var administration: ChannelAdministration {
        ChannelAdministration(channels: channels, agents: agents, vault: vault, passwords: passwords, clock: clock)
    }

    /// An admin changes a channel's settings (`nil` removes a key). Checked like `channel add`
    /// (known keys, valid values, the connector builds), then applied at once: the connector is
    /// rebuilt on next use and every open conversation's timers are recomputed.
    public func updateChannel(_ id: ChannelID, settings: [String: String?], by agent: Agent) async throws(GatewayError) -> Channel {
        guard agent.role == .admin else { throw GatewayError.forbidden("only admins change channel settings") }
        let channel = try await administration.updateChannel(id, settings: settings, builders: registry.builder(for:))
        await registry.invalidate(id)
        await scheduler.recompute(id)
        return channel
    }
}
