/// The built-in FAQ bot: answers customers from a knowledge base and decides when a person must
/// take over. Pure: no I/O and no clock; the gateway keeps each conversation's miss count.
///
/// Matching works for Chinese, English and a mix: text is folded (case, full-width forms,
/// punctuation), English is split into words and Chinese into character bigrams, and BM25 ranks
/// the question variants (`FAQTokenizer`, `FAQIndex`). A match's confidence is the share of its
/// question's evidence found in the message (0…1), so one threshold serves short and long
/// questions alike.
///
/// Building a bot indexes the knowledge base once; build a new one when the knowledge base or the
/// settings change. A value, safe to share between tasks.
public struct FAQBot: Sendable {
    public let knowledgeBase: KnowledgeBase
    public let settings: FAQBotSettings
    private let index: FAQIndex
    private let handOverPhrases: HandOverPhrases

    public init(knowledgeBase: KnowledgeBase, settings: FAQBotSettings = .standard) {
        self.knowledgeBase = knowledgeBase
        self.settings = settings
        self.index = FAQIndex(knowledgeBase)
        self.handOverPhrases = HandOverPhrases(settings.handOverPhrases)
    }

    /// The bot's reply to one customer message, in this order: a VIP contact is handed over at
    /// once; so is a message containing a hand-over phrase; then the best entry is answered if its
    /// confidence reaches the threshold; otherwise it is a miss, and the miss that makes
    /// `settings.missesBeforeHandOver` in a row hands over instead. A message with nothing to
    /// match (an emoji, an empty text) is a miss like any other.
    ///
    /// - Parameter consecutiveMisses: the conversation's misses in a row before this message:
    ///   the previous decision's `consecutiveMisses`, 0 for the first message.
    public func turn(text: String, vip: Bool, consecutiveMisses: Int) -> BotDecision {
        if vip { return .handOver(.vip) }
        if let phrase = handOverPhrases.firstMatch(in: text) { return .handOver(.keyword(phrase)) }
        if let best = suggestions(for: text, limit: 1).first, best.confidence >= settings.threshold {
            return .answer(best)
        }
        let misses = max(0, consecutiveMisses) + 1
        return misses >= settings.missesBeforeHandOver ? .handOver(.misses(misses)) : .miss(consecutiveMisses: misses)
    }

    /// Up to `limit` entries that fit `text`, best first, with their confidence — the suggested
    /// answers shown to an agent. Entries below the bot's threshold are included (an agent can
    /// judge a weak suggestion; compare `confidence` with `settings.threshold` to mark them);
    /// entries with nothing in common with the text are not.
    public func suggestions(for text: String, limit: Int) -> [FAQMatch] {
        index.hits(for: text, limit: limit).map { hit in
            FAQMatch(entry: knowledgeBase.entries[hit.entry], question: hit.question, confidence: hit.confidence)
        }
    }
}
