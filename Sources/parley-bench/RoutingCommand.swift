import ArgumentParser

/// `parley-bench routing`: the routing engine in process, no server (see `RoutingBench`).
struct RoutingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing",
        abstract: "Times routing decisions: 1,000 agents in 20 teams, ~10,000 queued, presence churn."
    )

    @Option(help: "Events to replay after building the scenario.")
    var events = 200_000

    @Option(help: "Seed of the scenario and event stream, so runs are comparable.")
    var seed: UInt64 = 5

    func validate() throws {
        guard (1...100_000_000).contains(events) else { throw ValidationError("--events must be 1…100000000") }
    }

    func run() throws {
        let report = RoutingBench(events: events, seed: seed).run()
        print(report.table())
        print(report.resultLine())
    }
}
