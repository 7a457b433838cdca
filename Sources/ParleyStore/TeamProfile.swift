import Foundation

/// What a team tells its waiting customers and when it is open, as admins configured it. The
/// gateway validates it and turns it into routing values; the store keeps it as written.
public struct TeamProfile: Sendable, Equatable, Codable {
    /// Nil: always open.
    public var hours: TeamSchedule?
    public var priority: TeamPriority
    public var texts: TeamTexts
    /// Nil: no bot; new conversations wait for a person at once.
    public var bot: TeamBot?

    public init(hours: TeamSchedule? = nil, priority: TeamPriority = TeamPriority(), texts: TeamTexts = TeamTexts(), bot: TeamBot? = nil) {
        self.hours = hours
        self.priority = priority
        self.texts = texts
        self.bot = bot
    }
}

extension TeamProfile {
    /// A profile as the store keeps it (JSON); NULL, or one that no longer reads, is the default.
    static func stored(_ json: String?) -> TeamProfile {
        json.flatMap { try? JSONDecoder().decode(TeamProfile.self, from: Data($0.utf8)) } ?? TeamProfile()
    }
}

/// A weekly schedule in an IANA zone: `weekly` maps `mon`…`sun` to `HH:MM-HH:MM` intervals;
/// holidays are local `YYYY-MM-DD` dates.
public struct TeamSchedule: Sendable, Equatable, Codable {
    public var timeZone: String
    public var weekly: [String: [String]]
    public var holidays: [String]

    public init(timeZone: String, weekly: [String: [String]], holidays: [String] = []) {
        self.timeZone = timeZone
        self.weekly = weekly
        self.holidays = holidays
    }
}

/// Which priority rules of the queue the team uses (all on by default).
public struct TeamPriority: Sendable, Equatable, Codable {
    public var vipFirst: Bool
    public var returningAfterFailedQueueFirst: Bool
    public var repeatVisitorsFirst: Bool

    public init(vipFirst: Bool = true, returningAfterFailedQueueFirst: Bool = true, repeatVisitorsFirst: Bool = true) {
        self.vipFirst = vipFirst
        self.returningAfterFailedQueueFirst = returningAfterFailedQueueFirst
        self.repeatVisitorsFirst = repeatVisitorsFirst
    }
}

/// The messages a team's customers get, on their own channel. An empty text sends nothing.
/// `{{position}}` is the place in the queue; `{{opensAt}}` the next opening in the team's zone.
/// `survey` goes out when an agent resolves a conversation; `surveyThanks` answers a rating.
public struct TeamTexts: Sendable, Equatable, Codable {
    public var queue: String
    public var closed: String
    public var noAgent: String
    public var survey: String
    public var surveyThanks: String

    public static let defaultQueue = "Thanks for waiting. You are number {{position}} in line."
    public static let defaultClosed = "We're closed right now and open again {{opensAt}}. Leave your message here and we'll answer then."
    public static let defaultNoAgent = "No one is available right now. Leave your message here and we'll answer as soon as someone is back."
    public static let defaultSurvey = "How would you rate our help today? Reply with a number from 1 (poor) to 5 (excellent)."
    public static let defaultSurveyThanks = "Thank you for your rating!"

    public init(
        queue: String = Self.defaultQueue, closed: String = Self.defaultClosed, noAgent: String = Self.defaultNoAgent,
        survey: String = Self.defaultSurvey, surveyThanks: String = Self.defaultSurveyThanks
    ) {
        self.queue = queue
        self.closed = closed
        self.noAgent = noAgent
        self.survey = survey
        self.surveyThanks = surveyThanks
    }

    private enum CodingKeys: String, CodingKey {
        case queue, closed, noAgent, survey, surveyThanks
    }

    /// A text missing from a stored profile takes its default: profiles saved before a text
    /// existed still read (a failed read would reset the whole profile).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            queue: try container.decodeIfPresent(String.self, forKey: .queue) ?? Self.defaultQueue,
            closed: try container.decodeIfPresent(String.self, forKey: .closed) ?? Self.defaultClosed,
            noAgent: try container.decodeIfPresent(String.self, forKey: .noAgent) ?? Self.defaultNoAgent,
            survey: try container.decodeIfPresent(String.self, forKey: .survey) ?? Self.defaultSurvey,
            surveyThanks: try container.decodeIfPresent(String.self, forKey: .surveyThanks) ?? Self.defaultSurveyThanks
        )
    }
}
