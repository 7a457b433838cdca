import Foundation
import Logging
import ParleyCore
import ParleyStore

/// The application core the HTTP layer talks to: platform webhooks in, agent actions, the
/// visitor side of web chat. It owns no I/O of its own beyond the injected store, connectors
/// and transport.
public struct Gateway: Sendable {
    public let conversations: any ConversationRepository
    public let agents: any AgentRepository
    public let channels: any ChannelRepository
    public let registry: ConnectorRegistry
    public let pipeline: IngestPipeline
    public let bus: EventBus
    public let dispatcher: Dispatcher
    public let mediaFetcher: MediaFetcher
    public let scheduler: DeadlineScheduler
    public let pushBackDispatcher: PushBackDispatcher
    public let routing: RoutingService
    /// Each team's FAQ bot, answering customers before a person does.
    public let bot: BotService
    let bots: any BotRepository
    /// Outgoing webhooks: committed events into deliveries, and deliveries out to subscribers.
    public let webhookRelay: WebhookRelay
    public let webhookDeliverer: WebhookDeliverer
    let webhookAdministration: WebhookAdministration
    let teams: any RoutingRepository
    let workbench: any WorkbenchRepository
    let canned: any CannedResponseRepository
    let surveys: any SurveyRepository
    let figures: any FiguresRepository
    let media: any MediaDownloadRepository
    let reach: any ReachRepository
    let pushSubscriptions: any PushSubscriptionRepository
    /// Web Push to visitors who allowed notifications; `nil` when the server has no VAPID key.
    public let webPush: (any WebPushSending)?
    /// Email to web visitors who left an address; `nil` when no SMTP server is configured.
    let mail: PushBackMail?
    /// The web visitors with a widget open on this node.
    public let visitors: VisitorPresence
    public let clock: any WallClock
    public let metrics: GatewayMetrics
    public let logger: Logger
    /// The base URL platforms call (`PARLEY_PUBLIC_URL`), used by signatures that cover the URL.
    public let publicBaseURL: String
    let passwords: PasswordHasher
    /// Opens channel credentials when a settings change must be checked against them.
    let vault: CredentialVault

    public init(
        conversations: any ConversationRepository, agents: any AgentRepository, channels: any ChannelRepository,
        registry: ConnectorRegistry, pipeline: IngestPipeline, bus: EventBus, dispatcher: Dispatcher,
        mediaFetcher: MediaFetcher, scheduler: DeadlineScheduler, pushBackDispatcher: PushBackDispatcher, routing: RoutingService,
        bot: BotService, bots: any BotRepository, webhookRelay: WebhookRelay, webhookDeliverer: WebhookDeliverer, webhookAdministration: WebhookAdministration,
        teams: any RoutingRepository, workbench: any WorkbenchRepository, canned: any CannedResponseRepository, surveys: any SurveyRepository,
        figures: any FiguresRepository, media: any MediaDownloadRepository,
        reach: any ReachRepository, pushSubscriptions: any PushSubscriptionRepository, webPush: (any WebPushSending)?, mail: PushBackMail?,
        visitors: VisitorPresence = VisitorPresence(), clock: any WallClock, metrics: GatewayMetrics, logger: Logger, publicBaseURL: String,
        vault: CredentialVault, passwords: PasswordHasher = PasswordHasher()
    ) {
        self.conversations = conversations
        self.agents = agents
        self.channels = channels
        self.registry = registry
        self.pipeline = pipeline
        self.bus = bus
        self.dispatcher = dispatcher
        self.mediaFetcher = mediaFetcher
        self.scheduler = scheduler
        self.pushBackDispatcher = pushBackDispatcher
        self.routing = routing
        self.bot = bot
        self.bots = bots
        self.webhookRelay = webhookRelay
        self.webhookDeliverer = webhookDeliverer
        self.webhookAdministration = webhookAdministration
        self.teams = teams
        self.workbench = workbench
        self.canned = canned
        self.surveys = surveys
        self.figures = figures
        self.media = media
        self.reach = reach
        self.pushSubscriptions = pushSubscriptions
        self.webPush = webPush
        self.mail = mail
        self.visitors = visitors
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.publicBaseURL = publicBaseURL
        self.passwords = passwords
        self.vault = vault
    }

    var planning: DeliveryPlanning {
        DeliveryPlanning(
            registry: registry, reach: reach, pushSubscriptions: pushSubscriptions, visitors: visitors,
            webPushConfigured: webPush != nil, mailConfigured: mail != nil, clock: clock
        )
    }

    // MARK: - Platform webhooks

    /// Authenticates, decodes and durably stores a platform's webhook, then answers it the way
    /// the platform expects. The answer is only produced after every event is committed.
    public func handleWebhook(channelID: ChannelID, request: WebhookRequest) async throws(GatewayError) -> WebhookResponse {
        let connector = try await registry.connector(for: channelID)
        do {
            if request.method == .get { return try connector.verify(request) }
            try connector.authenticate(request)
            let events = try connector.decode(request)
            let receipts = try await ingest(events, connector: connector)
            return connector.acknowledge(request, receipts: receipts)
        } catch let error as ConnectorError {
            throw GatewayError.connector(error)
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.unavailable(String(describing: error))
        }
    }

    func ingest(_ events: [InboundEvent], connector: any ChannelConnector) async throws(GatewayError) -> [IngestReceipt] {
        let channel = connector.channel
        let downloader = connector as? any MediaDownloadingConnector
        let now = clock.now()
        let policy = channel.policy
        var items: [IngestItem] = []
        var receiptsToApply: [(String, DeliveryStatus)] = []
        var watermarks: [(externalUserID: String, status: DeliveryStatus, upTo: Date)] = []
        var optOuts: [(String, Bool)] = []
        for event in events {
            switch event {
            case .message(let message):
                let downloadsMedia = message.content.media.map { downloader?.mustDownload($0) ?? false } ?? false
                items.append(IngestItem(
                    channelID: channel.id, reopenWindow: policy.reopenWindow, message: message, receivedAt: now,
                    downloadsMedia: downloadsMedia, timers: policy.timers
                ))
            case .deliveryReceipt(let platformMessageID, let status, _):
                receiptsToApply.append((platformMessageID, status))
            case .deliveryWatermark(let externalUserID, let status, let upTo):
                watermarks.append((externalUserID, status, upTo))
            case .optOut(let externalUserID, let optedOut):
                optOuts.append((externalUserID, optedOut))
            }
        }
        var receipts: [IngestReceipt] = []
        defer { if items.contains(where: \.downloadsMedia) { mediaFetcher.wake() } }
        for result in await pipeline.ingest(items) {
            switch result {
            case .success(let stored):
                receipts.append(stored.receipt)
                if let due = stored.earliestDeadline { scheduler.note(due) }
                if stored.queuedSends { dispatcher.wake() }
            case .failure(let error): throw GatewayError.unavailable("message not stored: \(error)")
            }
        }
        for (platformMessageID, status) in receiptsToApply {
            do {
                if let updated = try await conversations.applyReceipt(channel: channel.id, platformMessageID: platformMessageID, status: status) {
                    bus.publish([.messageUpdated(updated)])
                }
            } catch {
                throw GatewayError.unavailable("receipt not stored: \(error)")
            }
        }
        for watermark in watermarks {
            do {
                let updated = try await conversations.applyWatermark(
                    channel: channel.id, externalID: watermark.externalUserID, status: watermark.status, upTo: watermark.upTo
                )
                if !updated.isEmpty { bus.publish(updated.map { .messageUpdated($0) }) }
            } catch {
                throw GatewayError.unavailable("receipt not stored: \(error)")
            }
        }
        // After the messages: a customer's first message may be the STOP itself.
        for (externalUserID, optedOut) in optOuts {
            do {
                _ = try await conversations.setOptOut(channel: channel.id, externalID: externalUserID, optedOut: optedOut, at: now)
            } catch {
                throw GatewayError.unavailable("opt-out not stored: \(error)")
            }
        }
        return receipts
    }
}
