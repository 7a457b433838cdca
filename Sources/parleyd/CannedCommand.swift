import ArgumentParser
import Foundation
import ParleyCore
import ParleyGateway
import ParleyHTTP
import ParleyStore

/// Canned responses from the command line, checked like `/api/v1/canned-responses` (an unknown
/// variable is refused, naming it). Agents see a new one at once: the API reads the store.
struct CannedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "canned", abstract: "Manage canned responses agents send with a shortcut.", subcommands: [Add.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a canned response; prints it as JSON.")

        @OptionGroup var options: CommonOptions
        @Option(help: "What agents type to pick it, e.g. refund-policy (letters, digits, - _ .).") var shortcut: String
        @Option(help: "A one-line title agents see in the list.") var title: String
        @Option(help: "The text sent; may use {{\(CannedVariable.allCases.map(\.rawValue).joined(separator: "}}, {{"))}}, with a fallback as {{contact.name|there}}.")
        var text: String
        @Option(help: "Only this team's members may use it (default: every agent).") var team: Int64?

        func run() async throws {
            let administration = try CannedCommand.administration(options)
            let saved = try await CommandLineRefusal.run(
                flags: ["shortcut": "--shortcut", "title": "--title", "text": "--text", "teamId": "--team"]
            ) { () async throws(GatewayError) in
                try await administration.save(id: nil, shortcut: shortcut, title: title, text: text, team: team.map(TeamID.init))
            }
            print(try APIJSON.text(CannedResponseView(saved)))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List canned responses by shortcut.")

        @OptionGroup var options: CommonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let administration = try CannedCommand.administration(options)
            let listings = try await CommandLineRefusal.run { () async throws(GatewayError) in try await administration.list() }.map(CannedResponseView.init)
            if json {
                print(try APIJSON.text(listings))
            } else {
                for listing in listings {
                    let scope = listing.teamId.map { "team \($0)" } ?? "everyone"
                    print("\(listing.id)  /\(listing.shortcut)  \(listing.title)  (\(scope))")
                }
            }
        }
    }

    static func administration(_ options: CommonOptions) throws -> CannedAdministration {
        let runtime = try Runtime(try Settings(options))
        return CannedAdministration(canned: runtime.store, teams: runtime.store)
    }
}
