import Foundation
import ParleyCore

/// What one try of one push-back route came to.
enum PushBackAttempt: Sendable, Equatable {
    /// The visitor was reached by `route` (the route actually taken, e.g. a linked channel's
    /// template); `note` says where, `delivered` when the receiving side took responsibility.
    case reached(route: DeliveryRoute, note: String, delivered: Bool)
    /// A temporary failure: the same route again later.
    case retry(reason: String, after: TimeInterval?)
    /// This route cannot work: the next one is tried.
    case gaveUp(reason: String)
}
