import ArgumentParser
import Foundation
import ParleyGateway
import ParleyStore

/// Outgoing webhook subscriptions from the command line. A running parleyd picks up a new
/// subscription within seconds; the admin API (`/api/v1/webhooks`) also disables, edits,
/// deletes and rotates secrets.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Manage outgoing webhook subscriptions.", subcommands: [Add.self, List.self]
    )

    /// What the CLI prints of a subscription: never its secret (only `add` prints that, once).
    struct Listing: Encodable {
        var id: Int64
        var url: String
        var events: [String]
        var includeNotes: Bool
        var active: Bool
        var status: String
        var pendingDeliveries: Int
        var consecutiveFailures: Int
        var lastError: String?
        var secret: String?

        init(_ subscription: WebhookSubscription, status: WebhookStatus, secret: String? = nil) {
            id = subscription.id.rawValue
            url = subscription.url
            events = subscription.eventTypes
            includeNotes = subscription.includeNotes
            active = subscription.active
            self.status = status.rawValue
            pendingDeliveries = subscription.pendingDeliveries
            consecutiveFailures = subscription.consecutiveFailures
            lastError = subscription.lastError
            self.secret = secret
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Subscribe a URL to event types; prints its id and signing secret (shown this once)."
        )

        @OptionGroup var options: CommonOptions
        @Option(help: "The http(s) URL events are POSTed to.") var url: String
        @Option(help: "Comma-separated event types (\(WebhookEventTypes.offered.joined(separator: ", "))), or * for all.")
        var events: String
        @Flag(help: "Also send internal notes (message.created with direction note).") var includeNotes = false

        func run() async throws {
            let types = events.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let administration = try WebhookCommand.administration(options)
            let created: WebhookAdministration.WithSecret
            do {
                created = try await administration.create(url: url, eventTypes: types, includeNotes: includeNotes)
            } catch {
                throw ValidationError(error.description)
            }
            let listing = Listing(created.subscription, status: administration.status(of: created.subscription), secret: created.secret)
            print(try WebhookCommand.json(listing))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List webhook subscriptions (never their secrets).")

        @OptionGroup var options: CommonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let administration = try WebhookCommand.administration(options)
            let listings = try await administration.list().map { Listing($0, status: administration.status(of: $0)) }
            if json {
                print(try WebhookCommand.json(listings))
            } else {
                for listing in listings {
                    print("\(listing.id)  \(listing.status)  \(listing.events.joined(separator: ","))  \(listing.url)  pending \(listing.pendingDeliveries)")
                }
            }
        }
    }

    static func administration(_ options: CommonOptions) throws -> WebhookAdministration {
        let runtime = try Runtime(try Settings(options))
        return WebhookAdministration(webhooks: runtime.store, vault: runtime.vault)
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
