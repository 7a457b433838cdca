import ArgumentParser
import Foundation
import ParleyGateway
import ParleyRouting
import ParleyStore

/// The FAQ bot's knowledge base from the command line: load it from a file (the same JSON the
/// admin API takes) or print it. A running parleyd answers from a new one from the next message on.
struct KnowledgeBaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "knowledge-base", abstract: "Load or print the FAQ bot's knowledge base.", subcommands: [Import.self, Export.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import", abstract: "Replace the knowledge base with a JSON file ({\"entries\":[{\"id\",\"questions\",\"answer\",\"team\"?}]})."
        )

        @OptionGroup var options: CommonOptions
        @Argument(help: "The knowledge-base JSON file.") var file: String

        func run() async throws {
            let url = URL(fileURLWithPath: file)
            let knowledgeBase: KnowledgeBase
            do {
                knowledgeBase = try KnowledgeBase(contentsOf: url)
            } catch {
                throw ValidationError(error.description)
            }
            let runtime = try Runtime(try Settings(options))
            try await runtime.store.saveKnowledgeBase(try Data(contentsOf: url), at: Date())
            print("knowledge base imported: \(knowledgeBase.entries.count) entries")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Print the knowledge base as JSON.")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let runtime = try Runtime(try Settings(options))
            let document = try await runtime.store.knowledgeBase()?.document ?? Data(#"{"entries":[]}"#.utf8)
            print(String(decoding: document, as: UTF8.self))
        }
    }
}
