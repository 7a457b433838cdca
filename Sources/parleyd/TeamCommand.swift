import ArgumentParser
import Foundation
import ParleyCore
import ParleyGateway
import ParleyHTTP
import ParleyRouting
import ParleyStore

/// Teams from the command line, with the API's checks and messages (`TeamAdministration`). A
/// running parleyd routes with a change at its next rebuild (within five minutes) or restart;
/// `/api/v1/teams` applies it at once.
struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team", abstract: "Manage teams (skill groups) and which channel's conversations they take.",
        subcommands: [Add.self, List.self, Member.self, ChannelTeam.self, Hours.self, Bot.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a team; prints it as JSON.")

        @OptionGroup var options: CommonOptions
        @Option(help: "The team's name, unique.") var name: String
        @Option(help: "How it assigns: \(RoutingStrategy.allCases.map(\.rawValue).joined(separator: ", ")).") var strategy = "least-busy"
        @Option(help: "How long a contact's last agent gets them back first, e.g. 30m (default 0s: never).") var stickyWindow: String?
        @Option(help: "The team a waiting conversation moves to.") var overflowTeam: Int64?
        @Option(help: "How long it waits before it moves, e.g. 5m (default 0s: only when nobody is online).") var overflowAfter: String?

        func run() async throws {
            let administration = try TeamCommand.administration(options)
            let team = try await CommandLineRefusal.run(
                flags: ["name": "--name", "strategy": "--strategy", "stickyWindow": "--sticky-window", "overflowTeamId": "--overflow-team",
                        "overflowAfter": "--overflow-after"]
            ) { () async throws(GatewayError) in
                try await administration.saveTeam(
                    id: nil, name: name, strategy: strategy, stickyWindow: stickyWindow, overflowTeam: overflowTeam.map(TeamID.init),
                    overflowAfter: overflowAfter
                )
            }
            print(try APIJSON.text(TeamView(team)))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List teams with their members.")

        @OptionGroup var options: CommonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let administration = try TeamCommand.administration(options)
            let listings = try await CommandLineRefusal.run { () async throws(GatewayError) in try await administration.list() }.map(TeamView.init)
            if json {
                print(try APIJSON.text(listings))
            } else {
                for team in listings {
                    let members = team.members.isEmpty ? "no members" : "members " + team.members.map(String.init).joined(separator: ",")
                    print("\(team.id)  \(team.name)  \(team.strategy)  sticky \(team.stickyWindow)  \(members)")
                }
            }
        }
    }

    struct Member: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "member", abstract: "Add an agent to a team or remove them.", subcommands: [Add.self, Remove.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an agent to a team; prints the team.")
            @OptionGroup var change: MembershipOptions
            func run() async throws { try await change.apply(member: true) }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove an agent from a team; prints the team.")
            @OptionGroup var change: MembershipOptions
            func run() async throws { try await change.apply(member: false) }
        }
    }

    struct MembershipOptions: ParsableArguments {
        @OptionGroup var options: CommonOptions
        @Option(help: "The team's id.") var team: Int64
        @Option(help: "The agent's id.") var agent: Int64

        func apply(member: Bool) async throws {
            let administration = try TeamCommand.administration(options)
            let teams = try await CommandLineRefusal.run(subjects: ["team": "--team", "agent": "--agent"]) { () async throws(GatewayError) in
                try await administration.setMembership(team: TeamID(team), agent: AgentID(agent), member: member)
                return try await administration.list()
            }
            guard let changed = teams.first(where: { $0.id == TeamID(team) }) else { throw ValidationError("--team: team \(team) not found") }
            print(try APIJSON.text(TeamView(changed)))
        }
    }

    /// `team channel --team 2 --channel ch_…`: the team the channel's new conversations wait in.
    struct ChannelTeam: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "channel", abstract: "Make a team the one a channel's conversations wait in."
        )

        @OptionGroup var options: CommonOptions
        @Option(help: "The team's id.") var team: Int64
        @Option(help: "The channel's id (ch_…).") var channel: String

        private struct Mapped: Encodable {
            var channelId: String
            var teamId: Int64
        }

        func run() async throws {
            let administration = try TeamCommand.administration(options)
            try await CommandLineRefusal.run(subjects: ["team": "--team", "channel": "--channel"]) { () async throws(GatewayError) in
                try await administration.setChannelTeam(ChannelID(channel), team: TeamID(team))
            }
            print(try APIJSON.text(Mapped(channelId: channel, teamId: team)))
        }
    }

    static func administration(_ options: CommonOptions) throws -> TeamAdministration {
        let runtime = try Runtime(try Settings(options))
        return TeamAdministration(teams: runtime.store, agents: runtime.store)
    }
}
