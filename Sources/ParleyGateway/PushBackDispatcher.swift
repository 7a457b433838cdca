import CoreMetrics
import Foundation
import Logging
import ParleyCore
import ParleyStore
import ServiceLifecycle

/// Pushes replies held for a web visitor who left back to them by the routes the delivery plan
/// has left after "held for their return": Web Push, then email, then the contact's linked
/// channels. A reply another channel refused for good (`PushBackOrigin.refusedByChannel`) takes
/// the linked channels alone. Each route tried is a row of the push-back outbox with its own
/// retries; a route that cannot work hands the run on to the next, and when none is left the
/// replies say why (held ones still wait in the chat; refused ones fail). The agent sees the
/// route on each message.
public final class PushBackDispatcher: Service {
    private let pushBacks: any PushBackRepository
    private let conversations: any ConversationRepository
    private let agents: any AgentRepository
    private let reach: any ReachRepository
    private let pushSubscriptions: any PushSubscriptionRepository
    private let planning: DeliveryPlanning
    private let registry: ConnectorRegistry
    private let webPush: (any WebPushSending)?
    private let mail: PushBackMail?
    private let transport: any HTTPTransport
    private let bus: EventBus
    private let clock: any WallClock
    private let retry: RetryPolicy
    private let factory: any MetricsFactory
    private let logger: Logger
    private let publicBaseURL: String
    private let wakeSignal = WakeSignal()
    private let lease: TimeInterval = 120
    private let longestSleep: Duration = .seconds(30)
    /// How long a push service keeps the notice for a browser that is offline.
    static let pushTimeToLive = 2 * 86_400
    /// Earlier messages shown under the reply in the email.
    static let emailContextMessages = 6

    init(
        pushBacks: any PushBackRepository, conversations: any ConversationRepository, agents: any AgentRepository,
        reach: any ReachRepository, pushSubscriptions: any PushSubscriptionRepository, planning: DeliveryPlanning,
        registry: ConnectorRegistry, webPush: (any WebPushSending)?, mail: PushBackMail?, transport: any HTTPTransport,
        bus: EventBus, clock: any WallClock, retry: RetryPolicy, factory: any MetricsFactory, logger: Logger, publicBaseURL: String
    ) {
        self.pushBacks = pushBacks
        self.conversations = conversations
        self.agents = agents
        self.reach = reach
        self.pushSubscriptions = pushSubscriptions
        self.planning = planning
        self.registry = registry
        self.webPush = webPush
        self.mail = mail
        self.transport = transport
        self.bus = bus
        self.clock = clock
        self.retry = retry
        self.factory = factory
        self.logger = logger
        self.publicBaseURL = publicBaseURL
    }

    /// Tells a sleeping dispatcher that a push-back was queued.
    public func wake() {
        Task { await wakeSignal.signal() }
    }

    public func run() async throws {
        try await pushBacks.releasePushBackClaims()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await self.drainDue() > 0 { continue }
                let next = try? await self.pushBacks.nextPushBackDue()
                await self.wakeSignal.wait(until: next ?? nil, now: self.clock.now(), longest: self.longestSleep)
            }
        }
    }

    /// One pass: claims the push-backs due now and tries each. Tests drive this directly.
    @discardableResult
    public func drainDue() async -> Int {
        let jobs: [PushBackJob]
        do {
            jobs = try await pushBacks.claimDuePushBacks(now: clock.now(), limit: 32, lease: lease)
        } catch is CancellationError {
            return 0
        } catch {
            logger.error("push-back claim failed", metadata: ["error": "\(error)"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for job in jobs { group.addTask { await self.pushBack(job) } }
        }
        return jobs.count
    }

    private func pushBack(_ job: PushBackJob) async {
        let metadata: Logger.Metadata = ["conversation": "\(job.conversationID)", "pushBack": "\(job.id)"]
        do {
            let held = try await pushBacks.heldMessages(of: job)
            guard !held.isEmpty, let conversation = try await conversations.conversation(job.conversationID) else {
                try await pushBacks.closeReturnedPushBack(job, at: clock.now())
                return
            }
            let plan = try await planning.plan(for: conversation)
            if job.origin == .heldForReturn, plan.first?.route == .liveSocket {
                // Back in the chat: their socket's feed hands them the replies.
                try await pushBacks.closeReturnedPushBack(job, at: clock.now())
                return
            }
            let tried = Set(job.ruledOut.map { Self.key($0.route, $0.channelID) })
            let candidates = plan.routes.filter { Self.isPushBack($0, for: job.origin) && !tried.contains(Self.key($0.route, $0.channelID)) }
            guard let route = candidates.first(where: { $0.route == job.route && $0.channelID == job.routeChannelID }) ?? candidates.first else {
                let reason = Self.nothingLeft(job, plan)
                let messages = try await pushBacks.abandonPushBack(job, reason: reason, at: clock.now())
                count(nil, "impossible")
                logger.warning("no push-back route reached the visitor", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
                bus.publish(messages.map { .messageUpdated($0) })
                return
            }
            let home = try await registry.connector(for: conversation.channelID)
            let visitor = AwayVisitor(
                conversation: conversation, held: held, businessName: home.channel.name,
                reopenLink: (home as? any VisitorChannelConnector).map { Self.reopenLink($0, conversation, publicBaseURL: publicBaseURL) }
            )
            let attempt = await self.attempt(route, to: visitor)
            try await record(attempt, of: route, for: job, metadata: metadata)
        } catch {
            // The row keeps its lease and is tried again when it runs out: nothing is lost.
            logger.error("push-back failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    private func record(_ attempt: PushBackAttempt, of planned: PlannedRoute, for job: PushBackJob, metadata: Logger.Metadata) async throws {
        let now = clock.now()
        switch attempt {
        case .reached(let route, let note, let delivered):
            let messages = try await pushBacks.completePushBack(job, via: route, channel: planned.channelID, note: note, delivered: delivered, at: now)
            count(planned.route, "reached")
            logger.info("held replies pushed back to the visitor", metadata: metadata.merging(["route": "\(route)", "note": "\(note)"]) { $1 })
            bus.publish(messages.map { .messageUpdated($0) })
        case .retry(let reason, let after):
            if let delay = retry.delay(afterAttempts: job.attempts + 1, retryAfter: after) {
                try await pushBacks.retryPushBack(job, via: planned.route, channel: planned.channelID, at: now.addingTimeInterval(delay), error: reason, now: now)
                count(planned.route, "retried")
            } else {
                try await moveOn(job, UnavailableRoute(route: planned.route, channelID: planned.channelID, reason: "gave up after \(job.attempts + 1) attempts: \(reason)"))
            }
        case .gaveUp(let reason):
            try await moveOn(job, UnavailableRoute(route: planned.route, channelID: planned.channelID, reason: reason))
        }
    }

    private func moveOn(_ job: PushBackJob, _ failure: UnavailableRoute) async throws {
        try await pushBacks.movePushBackOn(job, after: failure, now: clock.now())
        count(failure.route, "gave_up")
        logger.notice("push-back route gave up; trying the next", metadata: [
            "conversation": "\(job.conversationID)", "route": "\(failure.route)", "reason": "\(failure.reason)",
        ])
    }

    /// The visitor every route addresses: their conversation, the replies waiting for them, and
    /// what the notice and the email show them.
    private struct AwayVisitor {
        let conversation: Conversation
        let held: [Message]
        let businessName: String
        /// The chat page with the visitor's token; nil when the conversation is not a web chat.
        let reopenLink: String?
    }

    private func attempt(_ route: PlannedRoute, to visitor: AwayVisitor) async -> PushBackAttempt {
        if route.linked { return await sendOnLinkedChannel(route, to: visitor) }
        switch (route.route, visitor.reopenLink) {
        case (.webPush, let link?): return await notifyBrowsers(visitor, reopenLink: link)
        case (.email, let link?): return await sendEmail(to: visitor, reopenLink: link)
        default: return .gaveUp(reason: "\(route.route.phrase) is not a push-back route here")
        }
    }

    // MARK: - Web Push

    private func notifyBrowsers(_ visitor: AwayVisitor, reopenLink: String) async -> PushBackAttempt {
        guard let webPush else { return .gaveUp(reason: "Web Push is not configured on this server") }
        let conversation = visitor.conversation
        let subscriptions: [PushSubscription]
        do {
            subscriptions = try await pushSubscriptions.pushSubscriptions(channel: conversation.channelID, visitor: conversation.externalID)
        } catch {
            return .retry(reason: "\(error)", after: nil)
        }
        let notice = PushBackNotice(
            businessName: visitor.businessName, replies: visitor.held, url: reopenLink, conversationID: conversation.id
        ).json
        var reached = 0
        var temporary: (reason: String, after: TimeInterval?)?
        var refusals: [String] = []
        for subscription in subscriptions {
            let host = URL(string: subscription.endpoint)?.host ?? "the push service"
            let outcome = await webPush.send(
                notice, to: subscription, ttl: Self.pushTimeToLive, urgency: .normal, topic: "conversation-\(conversation.id.rawValue)",
                transport: transport, now: clock.now()
            )
            switch outcome {
            case .delivered:
                reached += 1
            case .subscriptionGone(let status):
                // RFC 8030 §7.3: the browser unsubscribed or the subscription expired; never again.
                try? await pushSubscriptions.deletePushSubscription(endpoint: subscription.endpoint)
                refusals.append("\(host) answered \(status): the subscription is gone and was deleted")
            case .retryLater(let reason, let after):
                temporary = temporary ?? (reason, after)
            case .failed(let reason):
                refusals.append(reason)
            }
        }
        if reached > 0 { return .reached(route: .webPush, note: "Web Push to \(reached) browser\(reached == 1 ? "" : "s")", delivered: false) }
        if let temporary { return .retry(reason: temporary.reason, after: temporary.after) }
        return .gaveUp(reason: refusals.isEmpty ? "the visitor has no push subscription left" : refusals.joined(separator: "; "))
    }

    // MARK: - Email

    private func sendEmail(to visitor: AwayVisitor, reopenLink: String) async -> PushBackAttempt {
        guard let mail else { return .gaveUp(reason: "this server has no SMTP server to send from (PARLEY_SMTP_URL)") }
        let letter: OfflineReplyMail
        let recipient: MailAddress
        do {
            guard let address = try await reach.email(ofContact: visitor.conversation.contactID) else {
                return .gaveUp(reason: "the visitor left no email address")
            }
            guard let parsed = MailAddress(address) else { return .gaveUp(reason: "the address '\(address)' the visitor left is not valid") }
            recipient = parsed
            letter = try await compose(for: visitor, reopenLink: reopenLink)
        } catch {
            return .retry(reason: "\(error)", after: nil)
        }
        do {
            try await mail.mailer.send(letter.mail(from: mail.from, to: recipient))
            return .reached(route: .email, note: "email to \(recipient.address)", delivered: true)
        } catch {
            return error.isTemporary ? .retry(reason: error.description, after: nil) : .gaveUp(reason: error.description)
        }
    }

    private func compose(for visitor: AwayVisitor, reopenLink: String) async throws -> OfflineReplyMail {
        let held = visitor.held
        let context = try await conversations.messages(in: visitor.conversation.id, before: held[0].id, limit: Self.emailContextMessages)
        var names: [AgentID: String] = [:]
        func name(of sender: MessageSender) async -> String {
            switch sender {
            case .contact: return "You"
            case .bot: return "Assistant"
            case .system: return visitor.businessName
            case .agent(let id):
                if let known = names[id] { return known }
                let found = (try? await agents.agent(id))?.name ?? "Our team"
                names[id] = found
                return found
            }
        }
        var lines: [OfflineReplyMail.ContextLine] = []
        for message in context where message.direction != .note {
            lines.append(.init(who: await name(of: message.sender), text: message.content.previewText, time: message.createdAt))
        }
        return OfflineReplyMail(
            businessName: visitor.businessName, agentName: await name(of: held[0].sender),
            replyText: held.map(\.content.previewText).joined(separator: "\n\n"), recentContext: lines,
            reopenURL: reopenLink
        )
    }

    /// The page that reopens the chat, carrying the visitor's token in the fragment (never sent
    /// to a server, so it stays out of access logs) for the widget to adopt.
    private static func reopenLink(_ home: any VisitorChannelConnector, _ conversation: Conversation, publicBaseURL: String) -> String {
        let page = home.reopenURL ?? "\(publicBaseURL)/chat/\(conversation.channelID.rawValue)"
        return "\(page)#parley-token=\(home.token(forVisitor: conversation.externalID))"
    }

    // MARK: - Linked channels

    private func sendOnLinkedChannel(_ route: PlannedRoute, to visitor: AwayVisitor) async -> PushBackAttempt {
        let (conversation, held) = (visitor.conversation, visitor.held)
        let connector: any ChannelConnector
        let identity: IdentityActivity
        do {
            connector = try await registry.connector(for: route.channelID)
            let identities = try await reach.identityActivity(ofContact: conversation.contactID).filter { $0.channelID == route.channelID }
            guard let latest = identities.max(by: { ($0.lastCustomerMessageAt ?? .distantPast) < ($1.lastCustomerMessageAt ?? .distantPast) }) else {
                return .gaveUp(reason: "the contact has no identity on channel \(route.channelID) any more")
            }
            identity = latest
        } catch {
            return .retry(reason: "\(error)", after: nil)
        }
        let delivery = OutboundDelivery(
            messageID: held[0].id, conversationID: conversation.id, recipient: identity.externalID,
            content: .text(held.map(\.content.previewText).joined(separator: "\n\n")), attempt: 1,
            lastCustomerMessageAt: identity.lastCustomerMessageAt, sendsSinceCustomerMessage: identity.repliesSinceCustomerMessage,
            recipientOptedOut: identity.optedOut
        )
        switch await connector.send(delivery, transport: transport) {
        case .sent(_, let via):
            return .reached(route: via, note: "\(via.phrase) on \(connector.channel.kind.displayName) (\(connector.channel.name))", delivered: false)
        case .retryLater(let reason, let after):
            return .retry(reason: reason, after: after)
        case .failed(let reason):
            return .gaveUp(reason: reason)
        }
    }

    // MARK: -

    /// Routes that reach a visitor who is away (not the chat itself); for a reply its channel
    /// refused, only the contact's other channels.
    private static func isPushBack(_ route: PlannedRoute, for origin: PushBackOrigin) -> Bool {
        switch origin {
        case .heldForReturn: route.linked || route.route == .webPush || route.route == .email
        case .refusedByChannel: route.linked
        }
    }

    private static func key(_ route: DeliveryRoute, _ channel: ChannelID) -> String { "\(route.rawValue)@\(channel.rawValue)" }

    private static func nothingLeft(_ job: PushBackJob, _ plan: DeliveryPlan) -> String {
        switch job.origin {
        case .heldForReturn:
            let reasons = job.ruledOut.map { "\($0.route.phrase): \($0.reason)" } + plan.unavailable.map(\.reason)
            let why = reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
            return "no route reached the visitor while they were away\(why). The reply waits in the chat for their return."
        case .refusedByChannel:
            // The first entry is the refusal itself; the rest are the other channels that failed too.
            let refusal = job.ruledOut.first?.reason ?? "the channel refused the reply"
            let others = job.ruledOut.dropFirst().map { "\($0.route.phrase) on channel \($0.channelID): \($0.reason)" }
            return others.isEmpty
                ? "\(refusal); no other channel of the contact can take it"
                : "\(refusal); the contact's other channels failed too: \(others.joined(separator: "; "))"
        }
    }

    private func count(_ route: DeliveryRoute?, _ outcome: String) {
        Counter(label: "parley_push_backs_total", dimensions: [("route", route?.rawValue ?? "none"), ("outcome", outcome)], factory: factory)
            .increment()
    }
}
