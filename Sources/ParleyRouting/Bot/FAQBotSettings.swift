/// How eager the FAQ bot is to answer and when it gives the customer to a person; one per bot.
public struct FAQBotSettings: Sendable, Equatable {
    /// The confidence (0…1, see `FAQBot`) a match needs to be answered; below it the message is
    /// a miss. The default, 0.6, asks for more than half of a question variant's evidence: at 0.5
    /// either word of a two-word question would do, and "Can I cancel my order?" would be answered
    /// with "When will my order arrive?". A wrong answer costs more than a miss, which at worst
    /// brings a person sooner.
    public let threshold: Double
    /// Misses in a row after which the bot hands over, counting the current message; 2 means the
    /// second unanswered message in a row goes to a person.
    public let missesBeforeHandOver: Int
    /// Phrases that send the customer to a person at once, wherever they appear in the message
    /// (see `HandOverPhrases`).
    public let handOverPhrases: [String]

    public static let defaultThreshold = 0.6
    public static let defaultMissesBeforeHandOver = 2
    public static let defaultHandOverPhrases = ["人工", "转人工", "人工客服", "human", "agent", "talk to a person"]

    /// Threshold 0.6, hand-over on the second miss in a row, the default phrases.
    public static let standard = FAQBotSettings(
        checkedThreshold: defaultThreshold, missesBeforeHandOver: defaultMissesBeforeHandOver,
        handOverPhrases: defaultHandOverPhrases
    )

    /// Refuses a threshold outside 0…1, fewer than 1 miss, or a phrase with nothing to match after
    /// folding (e.g. only punctuation), naming the field: `handOverPhrases[2]: …`.
    public init(
        threshold: Double = defaultThreshold, missesBeforeHandOver: Int = defaultMissesBeforeHandOver,
        handOverPhrases: [String] = defaultHandOverPhrases
    ) throws(FAQConfigurationError) {
        guard threshold.isFinite, (0...1).contains(threshold) else {
            throw FAQConfigurationError(field: "threshold", "must be between 0 and 1, not \(threshold)")
        }
        guard missesBeforeHandOver >= 1 else {
            throw FAQConfigurationError(field: "missesBeforeHandOver", "must be at least 1, not \(missesBeforeHandOver)")
        }
        for (index, phrase) in handOverPhrases.enumerated() where FAQTokenizer.units(in: phrase).isEmpty {
            throw FAQConfigurationError(field: "handOverPhrases[\(index)]", "\"\(phrase)\" has no letters, digits or CJK characters to match")
        }
        self.init(checkedThreshold: threshold, missesBeforeHandOver: missesBeforeHandOver, handOverPhrases: handOverPhrases)
    }

    private init(checkedThreshold: Double, missesBeforeHandOver: Int, handOverPhrases: [String]) {
        self.threshold = checkedThreshold
        self.missesBeforeHandOver = missesBeforeHandOver
        self.handOverPhrases = handOverPhrases
    }
}
