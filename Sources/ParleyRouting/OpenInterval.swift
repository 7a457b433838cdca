/// One stretch of opening time within a local day, in minutes from local midnight as read on a wall
/// clock (09:30 is 570 on every day, DST change days included). The end is exclusive; 1440 means
/// "until midnight". An overnight shift is two intervals on two days.
public struct OpenInterval: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let start: Int
    public let end: Int

    /// Nil unless 0 ≤ start < end ≤ 1440.
    public init?(start: Int, end: Int) {
        guard start >= 0, start < end, end <= 24 * 60 else { return nil }
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM`, e.g. `09:00-12:30`; `24:00` is allowed as an end.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]) else { return nil }
        self.init(start: start, end: end)
    }

    public func contains(minute: Int) -> Bool { start <= minute && minute < end }

    public static func < (lhs: OpenInterval, rhs: OpenInterval) -> Bool { (lhs.start, lhs.end) < (rhs.start, rhs.end) }

    public var description: String { Self.clock(start) + "-" + Self.clock(end) }

    private static func minutes(_ text: Substring) -> Int? {
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        guard pieces.count == 2, pieces[0].count == 2, pieces[1].count == 2,
            let hour = Int(pieces[0]), let minute = Int(pieces[1]), (0...24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    private static func clock(_ minutes: Int) -> String {
        let hour = minutes / 60, minute = minutes % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}
