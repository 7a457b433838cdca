import Foundation
import ParleyCore
import Synchronization

/// A clock tests move by hand, so retries, windows and timeouts are tested without sleeping.
/// `WallClock.now()` is synchronous, hence a `Mutex` rather than an actor: the one lock guards
/// one `Date` and is never held across an `await`.
public final class SettableClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date {
        current.withLock { $0 }
    }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }
}
