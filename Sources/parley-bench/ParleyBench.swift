import ArgumentParser

@main
struct ParleyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-bench",
        abstract: "Benchmarks for parleyd: HTTP load (the default), routing decisions, the deadline scheduler, the FAQ bot.",
        subcommands: [BenchCommand.self, RoutingCommand.self, TimersCommand.self, FAQCommand.self],
        defaultSubcommand: BenchCommand.self
    )
}
