import Foundation

/// A send budget that refills continuously: `rate` tokens a second, at most `burst` saved up.
/// Platforms publish their limits this way (CHANNELS.md §8), and keeping under them avoids the
/// 429s and temporary bans that would otherwise slow every conversation on the account.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var refilledAt: Date

    public init(rate: Double, burst: Double, now: Date) {
        precondition(rate > 0 && burst >= 1, "a bucket needs a positive rate and room for one token")
        self.rate = rate
        self.burst = burst
        tokens = burst
        refilledAt = now
    }

    /// Seconds until one token is available; 0 when one is available now.
    public mutating func wait(at now: Date) -> TimeInterval {
        refill(at: now)
        return tokens >= 1 ? 0 : (1 - tokens) / rate
    }

    /// Spends one token; call only after `wait(at:)` returned 0 for the same instant.
    public mutating func take(at now: Date) {
        refill(at: now)
        tokens -= 1
    }

    /// Whether the bucket has refilled completely: it then behaves like a new one and need not be kept.
    public func isFull(at now: Date) -> Bool {
        tokens + max(0, now.timeIntervalSince(refilledAt)) * rate >= burst
    }

    private mutating func refill(at now: Date) {
        let elapsed = max(0, now.timeIntervalSince(refilledAt))
        tokens = min(burst, tokens + elapsed * rate)
        refilledAt = max(refilledAt, now)
    }
}
