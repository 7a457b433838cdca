/// A day of the week, numbered like `Calendar`'s `.weekday` component (Sunday = 1).
public enum Weekday: Int, Sendable, Codable, CaseIterable, Comparable {
    case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Monday to Friday, for the common office schedule.
    public static let workdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
}
