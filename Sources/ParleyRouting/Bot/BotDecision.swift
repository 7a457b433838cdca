/// What the FAQ bot does with one customer message.
public enum BotDecision: Sendable, Equatable {
    /// Send `match.entry.answer`; the conversation stays with the bot.
    case answer(FAQMatch)
    /// Nothing fit well enough. The bot says it did not understand (and may offer a person); this
    /// was the conversation's `consecutiveMisses`-th miss in a row.
    case miss(consecutiveMisses: Int)
    /// Put the conversation in the queue for a person now.
    case handOver(HandOverReason)

    /// The count to pass as `consecutiveMisses` with the conversation's next message: 0 after an
    /// answer (a hit resets it) and after a hand-over (a conversation that ever comes back to the
    /// bot starts afresh).
    public var consecutiveMisses: Int {
        switch self {
        case .answer, .handOver: 0
        case .miss(let count): count
        }
    }
}

/// Why the bot handed a conversation to a person.
public enum HandOverReason: Sendable, Equatable {
    /// The customer asked for one; the configured phrase that was found, as configured.
    case keyword(String)
    /// The bot missed this many messages in a row.
    case misses(Int)
    /// The contact is tagged VIP: people serve them from the first message.
    case vip
    /// An external bot handed over, saying why (never a decision of the FAQ bot).
    case external(String)
}
