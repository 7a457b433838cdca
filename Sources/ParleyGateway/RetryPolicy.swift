import Foundation

/// How the dispatcher spaces out retries of a failing send: exponential backoff with jitter,
/// a platform's Retry-After taking precedence, and a limit after which the row is dead-lettered.
public struct RetryPolicy: Sendable {
    public var initialDelay: TimeInterval
    public var maximumDelay: TimeInterval
    public var maximumAttempts: Int
    /// Fraction of the delay added at random, so many rows failing together do not retry together.
    public var jitter: Double

    public init(initialDelay: TimeInterval = 2, maximumDelay: TimeInterval = 600, maximumAttempts: Int = 12, jitter: Double = 0.2) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
        self.jitter = jitter
    }

    /// The delay before attempt `attemptsMade + 1`, or `nil` when no attempt is left.
    public func delay(afterAttempts attemptsMade: Int, retryAfter: TimeInterval?) -> TimeInterval? {
        guard attemptsMade < maximumAttempts else { return nil }
        let exponent = Double(max(0, attemptsMade - 1))
        let base = min(maximumDelay, initialDelay * pow(2, exponent))
        let jittered = base + base * jitter * Double.random(in: 0...1)
        guard let retryAfter else { return min(jittered, maximumDelay) }
        return min(max(retryAfter, 0), maximumDelay * 6)
    }
}
