import Foundation
import ParleyCore

/// The body of an outgoing webhook: the agent stream's `EventView` for the same event, so an
/// integrator learns one shape. A conversation carries no countdowns (`replyWindow`, `timers`):
/// they are the workbench's, computed for the moment a frame is sent, and a webhook body is
/// written once and re-sent unchanged on every retry.
public enum WebhookPayload {
    /// Passed to `Gateway.assemble` as its `webhookPayload`.
    @Sendable
    public static func encode(_ event: DomainEvent) throws -> [UInt8] {
        Array(try JSONCoding.encoder.encode(EventView(event, countdowns: nil)))
    }
}
