import CoreMetrics
import Foundation
import Logging
import ParleyCore
import ParleyRouting
import ParleyStore
import ServiceLifecycle

/// Runs each team's FAQ bot (`ParleyRouting.FAQBot`) against the store: every customer message in
/// a conversation that is with the bot gets an answer, a "no answer" or a hand-over to a person.
///
/// The store is the truth, not the bus: each conversation keeps how far the bot has read and its
/// misses in a row, and a turn is written only if nobody read further meanwhile, so a message is
/// answered once even when two events (or two nodes) wake the bot for it. A sweep at start and
/// every few seconds answers what an event could not tell (a restart, a dropped bus event).
public actor BotService: Service {
    private let store: any BotRepository
    private let registry: ConnectorRegistry
    private let bus: EventBus
    private let clock: any WallClock
    private let factory: any MetricsFactory
    private let logger: Logger
    private let messagesQueued: @Sendable () -> Void
    private var pending: Set<ConversationID> = []
    private var draining = false
    private let wakeSignal = WakeSignal()
    private let sweepEvery: TimeInterval = 5
    /// The parsed knowledge base and, per team, the bot built over it with the team's settings:
    /// indexing is the costly part, so it is redone only when either changes.
    private var knowledgeBase: (updatedAt: Date?, value: KnowledgeBase)?
    private var bots: [TeamID?: (knowledgeBaseAt: Date?, settings: FAQBotSettings, bot: FAQBot)] = [:]

    init(
        store: any BotRepository, registry: ConnectorRegistry, bus: EventBus, clock: any WallClock, factory: any MetricsFactory, logger: Logger,
        onMessagesQueued: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.registry = registry
        self.bus = bus
        self.clock = clock
        self.factory = factory
        self.logger = logger
        self.messagesQueued = onMessagesQueued
    }

    /// Runs until shutdown: the bus may close first (its stream ends with the event-stream
    /// closer), and the sweep alone keeps answering until the service is told to stop.
    public func run() async throws {
        // Only customers talking to the bot concern it; the bus keeps every other event.
        let events = bus.subscribe(where: Self.concerns)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await event in events { await self.observe(event) }
                }
                group.addTask {
                    while !Task.isCancelled {
                        await self.sweep()
                        await self.wakeSignal.wait(timeout: .seconds(self.sweepEvery))
                    }
                }
                await group.waitForAll()
            }
        }
    }

    /// Whether the event is a customer writing in a conversation that is with the bot.
    nonisolated static func concerns(_ event: DomainEvent) -> Bool {
        guard case .messageCreated(let message, let conversation) = event else { return false }
        return message.direction == .inbound && conversation.status == .bot
    }

    /// A customer wrote in a conversation that is with the bot.
    public func observe(_ event: DomainEvent) {
        guard Self.concerns(event), case .messageCreated(_, let conversation) = event else { return }
        note([conversation.id])
    }

    /// Answers every conversation with unread customer messages. Tests call it directly.
    public func sweep() async {
        do {
            note(try await store.conversationsAwaitingBot(limit: 500))
        } catch {
            logger.error("bot sweep failed", metadata: ["error": "\(error)"])
        }
        await drain()
    }

    /// Suggested answers for an agent: the knowledge-base entries that fit `text` best, for the
    /// conversation's team, with the team bot's threshold (the default one without a bot).
    public func suggestions(for text: String, team: TeamID?, settings: TeamBot?, limit: Int) async throws -> (matches: [FAQMatch], threshold: Double) {
        var answering = settings ?? TeamBot()
        answering.external = false  // an external bot's team still has the knowledge base for its agents
        let bot = try await faqBot(team: team, settings: answering, knowledgeBaseAt: nil, reload: true)
        return (bot.suggestions(for: text, limit: limit), bot.settings.threshold)
    }

    /// Gives these conversations to a person now, whatever they last wrote (the contact became a VIP).
    public func handOver(_ ids: [ConversationID], because reason: HandOverReason) async {
        for id in ids {
            do {
                guard let work = try await store.botWork(id) else { continue }
                let handOver = BotHandOver(
                    text: work.bot?.handOverText ?? "", note: Self.note(for: reason), timers: await timers(for: work.conversation.channelID)
                )
                let turn = BotTurn(
                    conversation: id, readFrom: work.readThrough, readThrough: work.unread.last?.id.rawValue ?? work.readThrough,
                    replies: [], misses: 0, handOver: handOver
                )
                guard let written = try await store.recordBotTurn(turn, at: clock.now()) else { continue }
                publish(written)
            } catch {
                logger.error("bot hand-over failed", metadata: ["conversation": "\(id)", "error": "\(error)"])
            }
        }
    }

    private func publish(_ written: BotTurnWritten) {
        var events = written.messages.map { DomainEvent.messageCreated($0, written.conversation) }
        if let transition = written.transition { events.insert(.conversationUpdated(written.conversation, transition), at: 0) }
        bus.publish(events)
        if written.messages.contains(where: { $0.direction == .outbound }) { messagesQueued() }
    }

    private func note(_ ids: [ConversationID]) {
        guard !ids.isEmpty else { return }
        pending.formUnion(ids)
        guard !draining else { return }
        draining = true
        Task { await self.drain() }
    }

    private func drain() async {
        while let id = pending.first {
            pending.remove(id)
            await answer(id)
        }
        draining = false
    }

    private func answer(_ id: ConversationID) async {
        do {
            guard let work = try await store.botWork(id), let last = work.unread.last else { return }
            let turn = try await decide(work, readThrough: last.id.rawValue)
            guard let written = try await store.recordBotTurn(turn, at: clock.now()) else {
                Counter(label: "parley_bot_conflicts_total", factory: factory).increment()
                return
            }
            publish(written)
        } catch {
            logger.error("bot turn failed", metadata: ["conversation": "\(id)", "error": "\(error)"])
        }
    }

    /// The bot's answers to the unread messages, in order, up to a hand-over.
    private func decide(_ work: BotWork, readThrough: Int64) async throws -> BotTurn {
        let id = work.conversation.id
        let timers = await self.timers(for: work.conversation.channelID)
        guard let settings = work.bot else {
            // The team's bot was switched off while the customer talked to it.
            return BotTurn(
                conversation: id, readFrom: work.readThrough, readThrough: readThrough, replies: [], misses: 0,
                handOver: BotHandOver(text: "", note: "Handed over: the team no longer has a bot.", timers: timers)
            )
        }
        let bot = try await faqBot(team: work.team, settings: settings, knowledgeBaseAt: work.knowledgeBaseUpdatedAt, reload: false)
        var replies: [String] = []
        var misses = work.misses
        for message in work.unread {
            guard let text = Self.botText(message.content) else { continue }
            let decision = bot.turn(text: text, vip: work.contactIsVIP, consecutiveMisses: misses)
            misses = decision.consecutiveMisses
            switch decision {
            case .answer(let match):
                Counter(label: "parley_bot_turns_total", dimensions: [("result", "answer")], factory: factory).increment()
                replies.append(match.entry.answer)
            case .miss:
                // An external bot answers this one itself.
                guard !settings.external else { continue }
                Counter(label: "parley_bot_turns_total", dimensions: [("result", "miss")], factory: factory).increment()
                if !settings.missText.isEmpty { replies.append(settings.missText) }
            case .handOver(let reason):
                Counter(label: "parley_bot_turns_total", dimensions: [("result", "hand_over")], factory: factory).increment()
                logger.info("bot hands over", metadata: ["conversation": "\(id)", "reason": "\(reason)"])
                let handOver = BotHandOver(text: settings.handOverText, note: Self.note(for: reason), timers: timers)
                return BotTurn(conversation: id, readFrom: work.readThrough, readThrough: readThrough, replies: replies, misses: 0, handOver: handOver)
            }
        }
        return BotTurn(conversation: id, readFrom: work.readThrough, readThrough: readThrough, replies: replies, misses: misses, handOver: nil)
    }

    /// What the bot reads of a message: its text, an audio's transcript, a caption. An event (a
    /// follow, the widget opening) is not the customer speaking and is skipped; other media count
    /// as a message the bot cannot answer.
    static func botText(_ content: MessageContent) -> String? {
        switch content {
        case .text(let text): text
        case .audio(_, let transcript): transcript ?? ""
        case .image(let media), .video(let media), .file(let media): media.caption ?? ""
        case .event: nil
        case .location, .sticker, .contactCard, .template, .unsupported: ""
        }
    }

    /// The internal note agents read on a handed-over conversation.
    static func note(for reason: HandOverReason) -> String {
        switch reason {
        case .keyword(let phrase): "Handed over by the bot: the customer asked for a person (\"\(phrase)\")."
        case .misses(let count): "Handed over by the bot: it had no answer \(count) times in a row."
        case .vip: "Handed over by the bot: the contact is a VIP."
        case .external(let reason): reason.isEmpty ? "Handed over by the bot." : "Handed over by the bot: \(reason)"
        }
    }

    private func timers(for channel: ChannelID) async -> TimerSettings {
        (try? await registry.connector(for: channel))?.policy.timers ?? TimerSettings(idleTimeout: 0)
    }

    /// The team's bot over the current knowledge base; `reload` reads the store for the knowledge
    /// base's version instead of trusting `knowledgeBaseAt`.
    private func faqBot(team: TeamID?, settings stored: TeamBot, knowledgeBaseAt: Date?, reload: Bool) async throws -> FAQBot {
        // An external bot's conversations are only watched for hand-over phrases and VIPs: with
        // nothing to answer from and no miss limit, every other message is a miss, left to it.
        if stored.external {
            return FAQBot(
                knowledgeBase: try KnowledgeBase(entries: []),
                settings: try FAQBotSettings(threshold: stored.threshold, missesBeforeHandOver: .max, handOverPhrases: stored.handOverPhrases)
            )
        }
        let settings = try FAQBotSettings(
            threshold: stored.threshold, missesBeforeHandOver: stored.missesBeforeHandOver, handOverPhrases: stored.handOverPhrases
        )
        var version = knowledgeBaseAt
        if reload || knowledgeBase == nil || knowledgeBase?.updatedAt != knowledgeBaseAt {
            let document = try await store.knowledgeBase()
            version = document?.updatedAt
            if knowledgeBase == nil || knowledgeBase?.updatedAt != version {
                let value = try document.map { try KnowledgeBase(json: $0.document) } ?? KnowledgeBase(entries: [])
                knowledgeBase = (version, value)
                bots = [:]
            }
        }
        if let cached = bots[team], cached.knowledgeBaseAt == version, cached.settings == settings { return cached.bot }
        let all = try knowledgeBase?.value ?? KnowledgeBase(entries: [])
        let bot = FAQBot(knowledgeBase: all.scoped(to: team), settings: settings)
        bots[team] = (version, settings, bot)
        return bot
    }
}
