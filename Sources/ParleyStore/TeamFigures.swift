import Foundation
import ParleyCore

/// One team's figures as the store counts them: its queue now, and what happened since the
/// window's start to the conversations that wait in it (their own team, else their channel's).
/// `team` is nil for the row of conversations without a team.
public struct TeamFigures: Sendable, Equatable {
    public var team: TeamID?
    public var name: String?
    public var members: [AgentID]
    /// Conversations queued now, and since when the one waiting longest waits.
    public var queued = 0
    public var waitingSince: Date?
    /// Conversations that entered the queue in the window; of those, how many an agent took
    /// (from the queue or the leave-message pool) and how many were closed as abandoned.
    public var enteredQueue = 0
    public var pickedUp = 0
    public var abandoned = 0
    /// Conversations the bot opened in the window; of those, how many it handed to a person and
    /// how many ended (resolved or closed) while still with the bot.
    public var botOpened = 0
    public var handedOver = 0
    public var resolvedByBot = 0
    /// Conversations whose first agent reply fell in the window, and the sum of the times from
    /// the customer's first message to that reply.
    public var firstResponses = 0
    public var firstResponseSeconds: Double = 0
    /// Ratings given in the window, counted per score: `ratings[0]` is how many gave 1.
    public var ratings = [Int](repeating: 0, count: SurveyRating.scores.count)

    public init(team: TeamID?, name: String?, members: [AgentID]) {
        self.team = team
        self.name = name
        self.members = members
    }

    public var pickUpRate: Double? { ratio(pickedUp, enteredQueue) }
    public var handOverRate: Double? { ratio(handedOver, botOpened) }
    public var botResolutionRate: Double? { ratio(resolvedByBot, botOpened) }
    public var averageFirstResponse: Double? { firstResponses == 0 ? nil : firstResponseSeconds / Double(firstResponses) }
    public var ratingCount: Int { ratings.reduce(0, +) }
    public var averageRating: Double? {
        ratio(zip(SurveyRating.scores, ratings).reduce(0) { $0 + $1.0 * $1.1 }, ratingCount)
    }

    /// How long the longest-waiting customer has waited at `now` (0 with nobody waiting).
    public func longestWait(at now: Date) -> TimeInterval {
        waitingSince.map { max(0, now.timeIntervalSince($0)) } ?? 0
    }

    /// Both rows' counts together (the queue's oldest wait is the earlier one); keeps this row's
    /// team, name and members.
    public func adding(_ other: TeamFigures) -> TeamFigures {
        var sum = self
        sum.queued += other.queued
        sum.waitingSince = [waitingSince, other.waitingSince].compactMap { $0 }.min()
        sum.enteredQueue += other.enteredQueue
        sum.pickedUp += other.pickedUp
        sum.abandoned += other.abandoned
        sum.botOpened += other.botOpened
        sum.handedOver += other.handedOver
        sum.resolvedByBot += other.resolvedByBot
        sum.firstResponses += other.firstResponses
        sum.firstResponseSeconds += other.firstResponseSeconds
        sum.ratings = zip(ratings, other.ratings).map(+)
        return sum
    }

    private func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole == 0 ? nil : Double(part) / Double(whole)
    }
}
