import ArgumentParser
import Foundation
import ParleyCore

struct ChannelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel", abstract: "Manage channels.", subcommands: [Add.self, List.self]
    )

    /// What listings show of a channel: never its credentials.
    struct Listing: Encodable {
        var id: String
        var kind: String
        var name: String
        var webhookPath: String
        var webhookURL: String
        var settings: [String: String]
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a channel and print its webhook path.")

        @OptionGroup var options: CommonOptions
        @Argument(help: "webchat, wechat, telegram, whatsapp, messenger, line or sms.") var kind: String
        @Option(help: "A name agents will see.") var name: String
        @Option(name: .customLong("credential"), help: "A secret as key=value; repeat for each.") var credentials: [String] = []
        @Option(name: .customLong("setting"), help: "A setting as key=value; repeat for each.") var settings: [String] = []

        func run() async throws {
            guard let kind = ChannelKind(rawValue: kind) else {
                throw ValidationError("kind: '\(kind)' is not one of \(ChannelKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard Runtime.connectors[kind] != nil else {
                throw ValidationError("kind: this build has no \(kind.rawValue) connector yet")
            }
            let credentialValues = try Self.pairs(credentials, option: "--credential")
            let settingValues = try Self.pairs(settings, option: "--setting")
            let runtime = try Runtime(try Settings(options))
            let channel = try await runtime.administration.addChannel(
                kind: kind, name: name, credentials: credentialValues, settings: settingValues, builder: Runtime.connectors[kind]
            )
            let output = [
                "id": channel.id.rawValue, "kind": channel.kind.rawValue, "webhookPath": channel.webhookPath,
                "webhookURL": runtime.settings.publicURL + channel.webhookPath,
            ]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        }

        static func pairs(_ values: [String], option: String) throws -> [String: String] {
            var result: [String: String] = [:]
            for value in values {
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                    throw ValidationError("\(option) '\(value)': expected key=value")
                }
                result[String(value[..<equals])] = String(value[value.index(after: equals)...])
            }
            return result
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List channels.")

        @OptionGroup var options: CommonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let settings = try Settings(options)
            let runtime = try Runtime(settings)
            let listings = try await runtime.store.channels().map {
                Listing(
                    id: $0.id.rawValue, kind: $0.kind.rawValue, name: $0.name, webhookPath: $0.webhookPath,
                    webhookURL: settings.publicURL + $0.webhookPath, settings: $0.settings
                )
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(listings), as: UTF8.self))
            } else {
                for listing in listings {
                    print("\(listing.id)  \(listing.kind)  \(listing.name)  \(listing.webhookURL)")
                }
            }
        }
    }
}
