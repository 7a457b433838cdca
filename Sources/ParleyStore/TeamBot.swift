/// The bot that meets a team's customers before a person does, as admins configured it
/// (`TeamProfile.bot`; nil: customers go straight to the queue). The built-in FAQ bot answers
/// from the knowledge base entries for the team and those for every team; an external bot
/// (`external`) gets the customers' messages by outgoing webhook and answers through the API,
/// while hand-over phrases and VIPs still reach a person at once.
public struct TeamBot: Sendable, Equatable, Codable {
    /// An external bot answers; the FAQ bot stays silent.
    public var external: Bool
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
        external: Bool = false, threshold: Double = defaultThreshold, missesBeforeHandOver: Int = defaultMissesBeforeHandOver,
        handOverPhrases: [String] = defaultHandOverPhrases, missText: String = defaultMissText, handOverText: String = defaultHandOverText
    ) {
        self.external = external
        self.threshold = threshold
        self.missesBeforeHandOver = missesBeforeHandOver
        self.handOverPhrases = handOverPhrases
        self.missText = missText
        self.handOverText = handOverText
    }

    private enum CodingKeys: String, CodingKey {
        case external, threshold, missesBeforeHandOver, handOverPhrases, missText, handOverText
    }

    /// A setting missing from a stored profile takes its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            external: try container.decodeIfPresent(Bool.self, forKey: .external) ?? false,
            threshold: try container.decodeIfPresent(Double.self, forKey: .threshold) ?? Self.defaultThreshold,
            missesBeforeHandOver: try container.decodeIfPresent(Int.self, forKey: .missesBeforeHandOver) ?? Self.defaultMissesBeforeHandOver,
            handOverPhrases: try container.decodeIfPresent([String].self, forKey: .handOverPhrases) ?? Self.defaultHandOverPhrases,
            missText: try container.decodeIfPresent(String.self, forKey: .missText) ?? Self.defaultMissText,
            handOverText: try container.decodeIfPresent(String.self, forKey: .handOverText) ?? Self.defaultHandOverText
        )
    }
}
