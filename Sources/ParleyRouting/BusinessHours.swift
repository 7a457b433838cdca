import Foundation

/// When a team takes new conversations: a weekly schedule of open intervals in the team's IANA time
/// zone, minus holidays (local dates).
///
/// All arithmetic goes through `Calendar` in the team's zone, so opening times follow the wall clock
/// across DST changes: 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer, and on the
/// spring-forward day an interval starting in the skipped hour opens when the clocks jump.
public struct BusinessHours: Sendable, Equatable {
    public let timeZone: TimeZone
    /// Open intervals per weekday, sorted; a missing weekday is closed all day.
    public let weekly: [Weekday: [OpenInterval]]
    public let holidays: Set<LocalDate>
    private let calendar: Calendar

    public init(timeZone: TimeZone, weekly: [Weekday: [OpenInterval]], holidays: Set<LocalDate> = []) {
        self.timeZone = timeZone
        self.weekly = weekly.filter { !$0.value.isEmpty }.mapValues { $0.sorted() }
        self.holidays = holidays
        calendar = Calendar.gregorian(in: timeZone)
    }

    /// The same intervals on each of `days`, e.g. Monday to Friday 09:00-18:00.
    public init(timeZone: TimeZone, days: [Weekday], open intervals: [OpenInterval], holidays: Set<LocalDate> = []) {
        self.init(timeZone: timeZone, weekly: Dictionary(days.map { ($0, intervals) }, uniquingKeysWith: { first, _ in first }), holidays: holidays)
    }

    /// Whether the team is open at `date`: not a local holiday, and the local wall-clock time falls in
    /// one of that weekday's intervals. In the hour repeated when clocks fall back, both occurrences
    /// read the same wall-clock time and so are treated alike.
    public func isOpen(at date: Date) -> Bool {
        let local = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        guard !holidays.contains(LocalDate(local)), let weekday = local.weekday.flatMap(Weekday.init(rawValue:)),
            let intervals = weekly[weekday]
        else { return false }
        let minute = (local.hour ?? 0) * 60 + (local.minute ?? 0)
        return intervals.contains { $0.contains(minute: minute) }
    }

    /// The first instant at or after `date` when the team is open: `date` itself if it is open now, nil
    /// if the schedule has no open interval at all.
    ///
    /// Walks local days forward from `date`'s (anchored at local noon, which every day has, unlike
    /// midnight in zones that change clocks at 00:00), skipping holidays. A day's candidate openings are
    /// its interval starts, placed with `date(bySettingHour:)` (a start in the hour skipped in spring
    /// becomes the moment the clocks jump; an ambiguous start its first occurrence), plus, on a DST
    /// day, the transition itself and the second occurrence of starts in the hour repeated in autumn.
    /// The earliest candidate after `date` that `isOpen` accepts is the answer, so the two functions
    /// never disagree.
    public func nextOpening(after date: Date) -> Date? {
        guard !weekly.isEmpty else { return nil }
        if isOpen(at: date) { return date }
        guard var noon = calendar.date(bySettingHour: 12, minute: 0, second: 0, of: date) else { return nil }
        // Each holiday can cost at most one week; the slack covers the first week and DST-gap intervals.
        let dayLimit = 7 * (holidays.count + 3)
        for _ in 0..<dayLimit {
            guard let nextNoon = calendar.date(byAdding: .day, value: 1, to: noon) else { return nil }
            let local = calendar.dateComponents([.year, .month, .day, .weekday], from: noon)
            if !holidays.contains(LocalDate(local)), let weekday = local.weekday.flatMap(Weekday.init(rawValue:)),
                let intervals = weekly[weekday],
                let opening = firstOpening(after: date, on: noon, before: calendar.startOfDay(for: nextNoon), intervals: intervals)
            {
                return opening
            }
            noon = nextNoon
        }
        return nil
    }

    private func firstOpening(after date: Date, on noon: Date, before nextDay: Date, intervals: [OpenInterval]) -> Date? {
        var candidates = intervals.compactMap { calendar.date(bySettingHour: $0.start / 60, minute: $0.start % 60, second: 0, of: noon) }
        let dayStart = calendar.startOfDay(for: noon)
        if let transition = timeZone.nextDaylightSavingTimeTransition(after: dayStart.addingTimeInterval(-1)), transition < nextDay {
            candidates.append(transition)
            let repeated = TimeInterval(timeZone.secondsFromGMT(for: transition.addingTimeInterval(-1)) - timeZone.secondsFromGMT(for: transition))
            if repeated > 0 {
                // Wall times in [transition - repeated, transition) come round again after the transition.
                let firstRun = transition.addingTimeInterval(-repeated)..<transition
                candidates += candidates.filter { firstRun.contains($0) }.map { $0.addingTimeInterval(repeated) }
            }
        }
        return candidates.filter { $0 > date && isOpen(at: $0) }.min()
    }
}

extension Calendar {
    /// A Gregorian calendar whose day boundaries are those of `timeZone`.
    static func gregorian(in timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
