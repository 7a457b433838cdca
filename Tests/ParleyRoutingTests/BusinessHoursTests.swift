import Foundation
import ParleyCore
import ParleyRouting
import Testing

@Suite("Business hours")
struct BusinessHoursTests {
    private func instant(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text), "\(text)")
    }

    private func zone(_ identifier: String) throws -> TimeZone {
        try #require(TimeZone(identifier: identifier))
    }

    /// Shanghai (UTC+8, no DST): weekdays 09:00-12:00 and 13:00-18:00, National Day 1-2 October off.
    private func shanghaiOffice() throws -> BusinessHours {
        BusinessHours(
            timeZone: try zone("Asia/Shanghai"), days: Weekday.workdays,
            open: [OpenInterval("09:00-12:00")!, OpenInterval("13:00-18:00")!],
            holidays: [LocalDate("2026-10-01")!, LocalDate("2026-10-02")!]
        )
    }

    @Test func weekdayIntervalsInTheTeamsZone() throws {
        let hours = try shanghaiOffice()
        // Monday 2026-03-02 in Shanghai.
        #expect(!hours.isOpen(at: try instant("2026-03-02T00:59:00Z")))  // 08:59
        #expect(hours.isOpen(at: try instant("2026-03-02T01:00:00Z")))  // 09:00
        #expect(!hours.isOpen(at: try instant("2026-03-02T04:30:00Z")))  // 12:30, lunch
        #expect(hours.isOpen(at: try instant("2026-03-02T05:00:00Z")))  // 13:00
        #expect(hours.isOpen(at: try instant("2026-03-02T09:59:00Z")))  // 17:59
        #expect(!hours.isOpen(at: try instant("2026-03-02T10:00:00Z")))  // 18:00: the end is exclusive
        #expect(!hours.isOpen(at: try instant("2026-03-07T03:00:00Z")))  // Saturday 11:00
        #expect(try hours.nextOpening(after: instant("2026-03-02T04:30:00Z")) == instant("2026-03-02T05:00:00Z"))
        #expect(try hours.nextOpening(after: instant("2026-03-02T02:00:00Z")) == instant("2026-03-02T02:00:00Z"))
    }

    @Test func nextOpeningSkipsTheWeekend() throws {
        // Friday 2026-03-06 18:30 Shanghai → Monday 09:00.
        #expect(try shanghaiOffice().nextOpening(after: instant("2026-03-06T10:30:00Z")) == instant("2026-03-09T01:00:00Z"))
    }

    @Test func holidaysAreClosedAllDayAndSkipped() throws {
        let hours = try shanghaiOffice()
        #expect(!hours.isOpen(at: try instant("2026-10-01T02:00:00Z")))  // Thursday 10:00, a holiday
        // Wednesday 30 September 18:30 → past the Thursday and Friday holidays and the weekend.
        #expect(try hours.nextOpening(after: instant("2026-09-30T10:30:00Z")) == instant("2026-10-05T01:00:00Z"))
        // A holiday is the local date: 23:30 UTC on 30 September is already 1 October in Shanghai.
        #expect(!hours.isOpen(at: try instant("2026-09-30T23:30:00Z")))
    }

    @Test func openingsFollowTheWallClockAcrossTheSpringForwardDay() throws {
        // Berlin moves from UTC+1 to UTC+2 at 02:00 local on Sunday 2026-03-29.
        let weekend = BusinessHours(timeZone: try zone("Europe/Berlin"), days: [.saturday, .sunday], open: [OpenInterval("09:00-17:00")!])
        #expect(try weekend.nextOpening(after: instant("2026-03-28T06:00:00Z")) == instant("2026-03-28T08:00:00Z"))
        #expect(try weekend.nextOpening(after: instant("2026-03-28T17:00:00Z")) == instant("2026-03-29T07:00:00Z"))
        #expect(weekend.isOpen(at: try instant("2026-03-29T14:59:00Z")))  // 16:59 CEST
        #expect(!weekend.isOpen(at: try instant("2026-03-29T15:00:00Z")))

        // An interval starting inside the skipped hour opens when the clocks jump to 03:00.
        let night = BusinessHours(
            timeZone: try zone("Europe/Berlin"),
            weekly: [.sunday: [OpenInterval("02:30-04:00")!], .monday: [OpenInterval("09:00-10:00")!]]
        )
        #expect(try night.nextOpening(after: instant("2026-03-28T23:00:00Z")) == instant("2026-03-29T01:00:00Z"))
        #expect(!night.isOpen(at: try instant("2026-03-29T00:59:00Z")))  // 01:59 CET
        #expect(night.isOpen(at: try instant("2026-03-29T01:59:00Z")))  // 03:59 CEST
        #expect(!night.isOpen(at: try instant("2026-03-29T02:00:00Z")))  // 04:00 CEST

        // An interval lying wholly in the skipped hour never happens that day.
        let skipped = BusinessHours(
            timeZone: try zone("Europe/Berlin"),
            weekly: [.sunday: [OpenInterval("02:00-02:45")!], .monday: [OpenInterval("09:00-10:00")!]]
        )
        #expect(try skipped.nextOpening(after: instant("2026-03-28T23:00:00Z")) == instant("2026-03-30T07:00:00Z"))
    }

    @Test func theRepeatedAutumnHourOpensTwice() throws {
        // New York falls back from 02:00 EDT to 01:00 EST on Sunday 2026-11-01: 01:00-01:30 happens twice.
        let hours = BusinessHours(timeZone: try zone("America/New_York"), weekly: [.sunday: [OpenInterval("01:00-01:30")!]])
        #expect(try hours.nextOpening(after: instant("2026-11-01T04:00:00Z")) == instant("2026-11-01T05:00:00Z"))
        #expect(hours.isOpen(at: try instant("2026-11-01T05:15:00Z")))  // 01:15 EDT
        #expect(!hours.isOpen(at: try instant("2026-11-01T05:45:00Z")))  // 01:45 EDT
        #expect(try hours.nextOpening(after: instant("2026-11-01T05:45:00Z")) == instant("2026-11-01T06:00:00Z"))
        #expect(hours.isOpen(at: try instant("2026-11-01T06:15:00Z")))  // 01:15 EST
        #expect(try hours.nextOpening(after: instant("2026-11-01T06:30:00Z")) == instant("2026-11-08T06:00:00Z"))
    }

    @Test func schedulesWithoutOpeningsAndBadInput() throws {
        let never = BusinessHours(timeZone: try zone("UTC"), weekly: [:])
        #expect(never.nextOpening(after: Fixture.t0) == nil)
        #expect(OpenInterval("09:00-24:00")?.end == 1440)
        #expect(OpenInterval("17:00-09:00") == nil)
        #expect(OpenInterval("9:00-17:00") == nil)
        #expect(OpenInterval("09:60-17:00") == nil)
        #expect(LocalDate("2026-02-30") == nil)
        #expect(LocalDate("2028-02-29")?.description == "2028-02-29")
        #expect(LocalDate("2026-1-05") == nil)
    }

    @Test func outsideHoursTheConversationIsNotQueuedAndTheCustomerLearnsTheOpening() throws {
        let hours = BusinessHours(timeZone: try zone("UTC"), days: Weekday.workdays, open: [OpenInterval("09:00-17:00")!])
        var router = Router(teams: [Fixture.team(1, hours: hours)], agents: [Fixture.agent(1)], queue: [])
        // t0 is Friday 08:00 UTC: an hour before opening; an online agent does not change that.
        #expect(router.handle(.enqueued(Fixture.entry(10)), now: Fixture.t0) == [
            .outsideHours(c(10), team: t(1), nextOpening: Fixture.at(3600)),
        ])
        #expect(router.position(of: c(10)) == nil)
        #expect(router.isOpen(t(1), at: Fixture.at(3600)) == true)
        #expect(router.handle(.enqueued(Fixture.entry(11)), now: Fixture.at(3600)).assignments == ["c11→a1"])
        // Friday 17:00 → Monday 09:00.
        let weekend = router.handle(.enqueued(Fixture.entry(12)), now: Fixture.at(9 * 3600))
        #expect(weekend == [.outsideHours(c(12), team: t(1), nextOpening: Fixture.at(3 * 86400 + 3600))])
    }
}
