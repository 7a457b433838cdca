import ArgumentParser
import Foundation
import ParleyGateway
import ParleyHTTP
import ParleyStore

/// Outgoing webhook subscriptions from the command line. A running parleyd picks up a new
/// subscription within seconds; the admin API (`/api/v1/webhooks`) also disables, edits,
/// deletes and rotates secrets.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook", abstract: "Manage outgoing webhook subscriptions.", subcommands: [Add.self, List.self]
    )

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
            let view = WebhookView(created.subscription, status: administration.status(of: created.subscription))
            print(try APIJSON.text(WebhookWithSecretView(webhook: view, secret: created.secret)))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List webhook subscriptions (never their secrets).")

        @OptionGroup var options: CommonOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let administration = try WebhookCommand.administration(options)
            let subscriptions = try await administration.list()
            if json {
                print(try APIJSON.text(subscriptions.map { WebhookView($0, status: administration.status(of: $0)) }))
            } else {
                for subscription in subscriptions {
                    let status = administration.status(of: subscription).rawValue
                    print("\(subscription.id)  \(status)  \(subscription.eventTypes.joined(separator: ","))  \(subscription.url)  pending \(subscription.pendingDeliveries)")
                }
            }
        }
    }

    static func administration(_ options: CommonOptions) throws -> WebhookAdministration {
        let runtime = try Runtime(try Settings(options))
        return WebhookAdministration(webhooks: runtime.store, vault: runtime.vault)
    }
}
