import Foundation

/// What became of one Web Push message, in the terms the dispatcher acts on.
public enum PushOutcome: Sendable, Equatable {
    /// The push service accepted it (201 Created, or any 2xx); it delivers when the browser wakes.
    case delivered
    /// The subscription no longer exists (404 or 410): delete it and never send to it again.
    case subscriptionGone(status: Int)
    /// A temporary failure (429, 5xx, no answer): try again, not before `after` seconds when given.
    case retryLater(reason: String, after: TimeInterval?)
    /// It will never succeed as it is (a refused endpoint, an oversized payload, a 400/401/403/413);
    /// the reason says why, with what the push service said.
    case failed(reason: String)
}
