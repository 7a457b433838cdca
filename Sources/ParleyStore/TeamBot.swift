/// The built-in FAQ bot that meets a team's customers before a person does, as admins configured
/// it (`TeamProfile.bot`; nil: customers go straight to the queue). The gateway checks the values
/// and answers from the knowledge base entries for the team and those for every team.
public struct TeamBot: Sendable, Equatable, Codable {
    /// The confidence (0…1) a knowledge-base match needs to be sent as the answer.
    public var threshold: Double
    /// Unanswered messages in a row after which the customer goes to a person.
    public var missesBeforeHandOver: Int
    /// Words that send the customer to a person at once (人工, human, …).
    public var handOverPhrases: [String]
    /// Sent when a message finds no answer and the customer stays with the bot; empty: nothing.
    public var missText: String
    /// Sent when the bot hands the customer to a person; empty: nothing.
    public var handOverText: String

    public static let defaultThreshold = 0.6
    public static let defaultMissesBeforeHandOver = 2
    public static let defaultHandOverPhrases = ["人工", "转人工", "人工客服", "human", "agent", "talk to a person"]
    public static let defaultMissText = "Sorry, I don't have an answer for that. Try other words, or type \"human\" to talk to a person."
    public static let defaultHandOverText = "Connecting you to a person now."

    public init(
        threshold: Double = defaultThreshold, missesBeforeHandOver: Int = defaultMissesBeforeHandOver,
        handOverPhrases: [String] = defaultHandOverPhrases, missText: String = defaultMissText, handOverText: String = defaultHandOverText
    ) {
        self.threshold = threshold
        self.missesBeforeHandOver = missesBeforeHandOver
        self.handOverPhrases = handOverPhrases
        self.missText = missText
        self.handOverText = handOverText
    }
}
