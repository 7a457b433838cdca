import Foundation
import ParleyCore
import ParleyStore

/// The live figures supervisors watch: as JSON for the dashboard and as Prometheus gauges.
extension Gateway {
    /// The window of the rates and averages when none is asked for, and always on `/metrics`.
    public static let figuresWindow: TimeInterval = 24 * 3600

    /// Queues and agents now; rates and averages since `since` (the last 24 hours when `nil`).
    /// Supervisors and admins only.
    public func supervisorFigures(since: Date?, for agent: Agent) async throws(GatewayError) -> SupervisorFigures {
        guard agent.oversees else { throw GatewayError.forbidden("only supervisors and admins read the figures") }
        let now = clock.now()
        let start = since ?? now.addingTimeInterval(-Self.figuresWindow)
        guard start <= now else {
            throw GatewayError.invalid(field: "since", reason: "\(start.formatted(.iso8601)) is in the future")
        }
        return try await countFigures(since: start, at: now)
    }

    /// The figures over the last 24 hours, for `/metrics` (which asks no token).
    public func currentFigures() async throws(GatewayError) -> SupervisorFigures {
        let now = clock.now()
        return try await countFigures(since: now.addingTimeInterval(-Self.figuresWindow), at: now)
    }

    private func countFigures(since: Date, at now: Date) async throws(GatewayError) -> SupervisorFigures {
        do { return try await figures.supervisorFigures(since: since, at: now) } catch { throw GatewayError.unavailable("\(error)") }
    }
}
