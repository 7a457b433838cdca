import ArgumentParser
import AsyncHTTPClient
import Foundation
import ParleyCore
import ParleyHTTP

struct ChannelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel", abstract: "Manage channels.", subcommands: [Add.self, Update.self, List.self, Connect.self]
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

    /// Changes settings of an existing channel, checked like `add`. A running parleyd applies the
    /// change at its next start; `PATCH /api/v1/channels/{id}` applies it at once.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update", abstract: "Change a channel's settings (key=value; key= removes the key)."
        )

        @OptionGroup var options: CommonOptions
        @Argument(help: "The channel id (ch_…).") var id: String
        @Option(name: .customLong("setting"), help: "A setting as key=value; key= goes back to the default. Repeat for each.")
        var settings: [String] = []

        private struct Updated: Encodable {
            var id: String
            var settings: [String: String]
        }

        func run() async throws {
            guard !settings.isEmpty else { throw ValidationError("--setting: give at least one key=value") }
            let changes = try Add.pairs(settings, option: "--setting").mapValues { $0.isEmpty ? nil : $0 }
            let runtime = try Runtime(try Settings(options))
            let channel = try await runtime.administration.updateChannel(ChannelID(id), settings: changes) { Runtime.connectors[$0] }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(Updated(id: channel.id.rawValue, settings: channel.settings)), as: UTF8.self))
        }
    }

    /// Tells the platform where to deliver the channel's webhooks (Telegram `setWebhook` with the
    /// channel's secret token), on the gateway's public URL.
    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "connect", abstract: "Register the channel's webhook URL with its platform (Telegram)."
        )

        @OptionGroup var options: CommonOptions
        @Argument(help: "The channel id (ch_…).") var id: String

        func run() async throws {
            let settings = try Settings(options)
            let runtime = try Runtime(settings)
            guard let stored = try await runtime.store.channel(ChannelID(id)) else {
                throw ValidationError("id: no channel \(id)")
            }
            guard let build = Runtime.connectors[stored.channel.kind] else {
                throw ValidationError("id: this build has no \(stored.channel.kind.rawValue) connector")
            }
            let connector = try build(stored.channel, try runtime.vault.open(stored.sealedCredentials))
            guard let registering = connector as? any WebhookRegisteringConnector else {
                throw ValidationError("id: \(stored.channel.kind.rawValue) webhooks are configured in the platform's console, not by parleyd")
            }
            let url = settings.publicURL + stored.channel.webhookPath
            let client = HTTPClient.platformClient()
            let outcome: Result<String, ConnectorError>
            do {
                outcome = .success(try await registering.registerWebhook(url: url, transport: AsyncHTTPTransport(client: client)))
            } catch {
                outcome = .failure(error)
            }
            try await client.shutdown()
            switch outcome {
            case .success(let answer): print("\(stored.channel.kind.rawValue) will deliver to \(url): \(answer)")
            case .failure(let error): throw ValidationError("the platform refused \(url): \(error.reason)")
            }
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
