import Foundation
import ParleyCore
import ParleyRouting
import ParleyStore

/// A team's stored profile as routing values. Reading it also validates it, so the admin API
/// refuses exactly what routing could not use, naming the field.
extension TeamProfile {
    static let weekdayKeys: [String: Weekday] = [
        "mon": .monday, "tue": .tuesday, "wed": .wednesday, "thu": .thursday, "fri": .friday, "sat": .saturday, "sun": .sunday,
    ]

    func businessHours() throws(GatewayError) -> BusinessHours? {
        guard let hours else { return nil }
        guard let zone = TimeZone(identifier: hours.timeZone) else {
            throw GatewayError.invalid(field: "hours.timeZone", reason: "'\(hours.timeZone)' is not an IANA time zone such as Europe/Berlin")
        }
        var weekly: [Weekday: [OpenInterval]] = [:]
        for (key, intervals) in hours.weekly.sorted(by: { $0.key < $1.key }) {
            guard let day = Self.weekdayKeys[key] else {
                throw GatewayError.invalid(field: "hours.weekly.\(key)", reason: "not a day: use mon, tue, wed, thu, fri, sat or sun")
            }
            weekly[day] = try intervals.enumerated().map { index, text throws(GatewayError) in
                guard let interval = OpenInterval(text) else {
                    throw GatewayError.invalid(field: "hours.weekly.\(key)[\(index)]", reason: "'\(text)' is not HH:MM-HH:MM with the start before the end")
                }
                return interval
            }
        }
        let holidays = try hours.holidays.enumerated().map { index, text throws(GatewayError) in
            guard let date = LocalDate(text) else {
                throw GatewayError.invalid(field: "hours.holidays[\(index)]", reason: "'\(text)' is not a date written YYYY-MM-DD")
            }
            return date
        }
        return BusinessHours(timeZone: zone, weekly: weekly, holidays: Set(holidays))
    }

    var priorityRules: PriorityRules {
        PriorityRules(
            vipFirst: priority.vipFirst, returningAfterFailedQueueFirst: priority.returningAfterFailedQueueFirst,
            repeatVisitorsFirst: priority.repeatVisitorsFirst
        )
    }

    /// The bot's settings as the FAQ bot takes them, refused naming the field (`bot.threshold`).
    func validateBot() throws(GatewayError) {
        guard let bot else { return }
        do {
            _ = try FAQBotSettings(threshold: bot.threshold, missesBeforeHandOver: bot.missesBeforeHandOver, handOverPhrases: bot.handOverPhrases)
        } catch {
            throw GatewayError.invalid(field: "bot.\(error.field)", reason: error.problem)
        }
        for (field, text) in [("bot.missText", bot.missText), ("bot.handOverText", bot.handOverText)] where text.count > 1_000 {
            throw GatewayError.invalid(field: field, reason: "longer than 1,000 characters")
        }
    }

    /// Texts are sent on the customer's channel: one line or a short paragraph, not a document.
    func validateTexts() throws(GatewayError) {
        let all = [
            ("texts.queue", texts.queue), ("texts.closed", texts.closed), ("texts.noAgent", texts.noAgent), ("texts.survey", texts.survey),
            ("texts.surveyThanks", texts.surveyThanks),
        ]
        for (field, text) in all where text.count > 1_000 {
            throw GatewayError.invalid(field: field, reason: "longer than 1,000 characters")
        }
    }
}
