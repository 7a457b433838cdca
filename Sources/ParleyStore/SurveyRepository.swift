import Foundation
import ParleyCore

/// A conversation an agent resolved, and the survey its customer was sent (none when the team's
/// survey text is empty).
public struct ResolvedConversation: Sendable {
    public var conversation: Conversation
    public var transition: ConversationTransition
    public var survey: Message?
}

/// A customer's answer to the satisfaction survey.
public struct CustomerRating: Sendable, Equatable {
    /// 1 (poor) to 5 (excellent).
    public var score: Int
    public var at: Date

    public init(score: Int, at: Date) {
        self.score = score
        self.at = at
    }
}

/// The satisfaction survey after resolution. Its answer is read by ingest, in the transaction of
/// the customer's message (`SQLiteStore+Survey`).
public protocol SurveyRepository: Sendable {
    /// Resolves the conversation and, unless its team's survey text (the default text without a
    /// team) is empty, sends the survey through the outbox and waits `answerWindow` for a rating —
    /// one transaction, so a resolution never loses its survey.
    func resolve(
        _ id: ConversationID, by actor: Participant, timers: TimerSettings, answerWindow: TimeInterval, at time: Date
    ) async throws(StoreError) -> ResolvedConversation
    /// The conversation's latest rating, if its customer gave one.
    func rating(of id: ConversationID) async throws -> CustomerRating?
}
