import ArgumentParser
import Foundation
import ParleyCore
import ParleyGateway
import ParleyHTTP
import ParleyStore

/// A team's business hours and bot from the command line: each command changes that part of the
/// team's profile, keeps the rest, and prints the team as the API shows it.
extension TeamCommand {
    struct Hours: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hours", abstract: "Set when a team takes new conversations (outside them customers leave a message)."
        )

        @OptionGroup var options: CommonOptions
        @Option(help: "The team's id.") var team: Int64
        @Option(help: "An IANA time zone, e.g. Asia/Shanghai.") var timeZone: String?
        @Option(help: "Opening hours of a weekday, repeatable: mon=09:00-12:00,13:00-18:00.") var open: [String] = []
        @Option(help: "A closed date in the team's zone, repeatable: 2027-02-10.") var holiday: [String] = []
        @Flag(help: "Take conversations at any time (drops the schedule).") var alwaysOpen = false

        func run() async throws {
            if alwaysOpen {
                guard timeZone == nil, open.isEmpty, holiday.isEmpty else {
                    throw ValidationError("--always-open: give it alone, without --time-zone, --open or --holiday")
                }
                try await TeamCommand.change(team, options) { $0.hours = nil }
                return
            }
            guard let timeZone else { throw ValidationError("--time-zone: required unless --always-open") }
            var weekly: [String: [String]] = [:]
            for day in open {
                let parts = day.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--open: '\(day)' is not day=HH:MM-HH:MM[,HH:MM-HH:MM]") }
                weekly[parts[0], default: []] += parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
            let schedule = TeamSchedule(timeZone: timeZone, weekly: weekly, holidays: holiday)
            try await TeamCommand.change(team, options, flags: ["hours.timeZone": "--time-zone"]) { $0.hours = schedule }
        }
    }

    struct Bot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bot", abstract: "Give a team a bot that meets its customers first, or take it away."
        )

        @OptionGroup var options: CommonOptions
        @Option(help: "The team's id.") var team: Int64
        @Flag(help: "No bot: customers wait for a person at once.") var off = false
        @Flag(help: "An external bot answers (by outgoing webhook and the API) instead of the FAQ bot.") var external = false
        @Option(help: "The confidence (0-1) an FAQ answer needs (default 0.6).") var threshold: Double?
        @Option(help: "Unanswered messages in a row before a person takes over (default 2).") var misses: Int?
        @Option(help: "A phrase that hands over at once, repeatable (replaces the defaults: 人工, 转人工, human, agent …).")
        var handOverPhrase: [String] = []

        func run() async throws {
            if off {
                try await TeamCommand.change(team, options) { $0.bot = nil }
                return
            }
            var bot = TeamBot(external: external)
            if let threshold { bot.threshold = threshold }
            if let misses { bot.missesBeforeHandOver = misses }
            if !handOverPhrase.isEmpty { bot.handOverPhrases = handOverPhrase }
            try await TeamCommand.change(
                team, options, flags: ["bot.threshold": "--threshold", "bot.missesBeforeHandOver": "--misses"]
            ) { $0.bot = bot }
        }
    }

    /// Saves the team with its profile changed by `edit`, the rest as it was; prints the team.
    static func change(_ id: Int64, _ options: CommonOptions, flags: [String: String] = [:], _ edit: (inout TeamProfile) -> Void) async throws {
        let administration = try administration(options)
        let team = try await CommandLineRefusal.run(flags: flags, subjects: ["team": "--team"]) { () async throws(GatewayError) in
            guard let current = try await administration.list().first(where: { $0.id == TeamID(id) }) else {
                throw GatewayError.notFound("team \(id) not found")
            }
            var profile = current.profile
            edit(&profile)
            return try await administration.saveTeam(
                id: current.id, name: current.name, strategy: current.strategy, stickyWindow: DurationText.format(current.stickyWindow),
                overflowTeam: current.overflowTeam, overflowAfter: DurationText.format(current.overflowAfter), profile: profile
            )
        }
        print(try APIJSON.text(TeamView(team)))
    }
}
