import Foundation

/// Supervisors' live figures, counted from conversations, their lifecycle events, messages and
/// ratings.
public protocol FiguresRepository: Sendable {
    /// The queues and agents as they are now; rates and averages over what happened from `since`.
    func supervisorFigures(since: Date, at now: Date) async throws -> SupervisorFigures
}
