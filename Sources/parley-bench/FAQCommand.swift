import ArgumentParser

/// `parley-bench faq`: the FAQ bot in process, no server (see `FAQBench`).
struct FAQCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faq",
        abstract: "Times the FAQ bot's turn (hand-over check + BM25 match) over a generated bilingual knowledge base."
    )

    @Option(help: "Knowledge-base entries to generate (each with two English and two Chinese questions).")
    var entries = 1_000

    @Option(help: "Customer messages to time.")
    var messages = 20_000

    @Option(help: "Seed of the knowledge base and the messages, so runs are comparable.")
    var seed: UInt64 = 5

    func validate() throws {
        guard (1...100_000).contains(entries) else { throw ValidationError("--entries must be 1…100000") }
        guard (1...10_000_000).contains(messages) else { throw ValidationError("--messages must be 1…10000000") }
    }

    func run() throws {
        let report = try FAQBench(entries: entries, messages: messages, seed: seed).run()
        print(report.table())
        print(report.resultLine())
    }
}
