import Foundation

/// The time source for every decision that depends on "now" (reply windows, retries,
/// timeouts), so tests can set the time instead of sleeping.
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
