import ArgumentParser
import NIOCore
import NIOPosix

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley-bench",
        abstract: "Loopback HTTP load generator for parleyd, and an in-process routing benchmark.",
        discussion: """
            Keeps N HTTP/1.1 keep-alive connections busy with one request in flight each, measures only \
            after the warmup, prints a table and a final `RESULT {json}` line, and exits non-zero if more \
            than 1% of requests in any phase failed. WeChat callbacks count as ok only when answered \
            200 with the body `success`, other webhooks when answered 200.

            Webhook phases post to channels created with `parleyd channel add <kind>` and sign with the \
            same secrets (see the platform options). Before each, one request signed with a wrong secret \
            must be refused (401/403), so a phase never measures a server that skips verification. \
            For sms, parleyd must run with PARLEY_PUBLIC_URL equal to --public-url (default: \
            http://<host:port of --url>), since Twilio signs the public URL.
            """
    )

    @Option(help: "Server base URL; loopback only (127.0.0.1, localhost, [::1]).")
    var url = "http://127.0.0.1:8080"

    @Option(help: "Web-chat channel id for ingest. Default: read data-channel from GET /demo.")
    var channel: String?

    @Option(help: "Concurrent connections per phase.")
    var connections = 64

    @Option(help: "Measured seconds per phase (after warmup).")
    var duration: Double = 10

    @Option(help: "Seconds per phase before measuring starts.")
    var warmup: Double = 2

    @Option(
        help: """
            health, ingest, both (health, ingest), wechat (wechat-plain, wechat-safe), wechat-plain, \
            wechat-safe, telegram, whatsapp, messenger, line, sms, channels (telegram, whatsapp, messenger, \
            line, sms), all (health, ingest, wechat-plain, wechat-safe and the five channels), or routing \
            (the routing engine in process, no server; uses --events and --seed only).
            """
    )
    var mode = BenchMode.both

    @Option(help: "routing mode: events to replay after building the scenario.")
    var events = 200_000

    @Option(help: "routing mode: seed of the scenario and event stream, so runs are comparable.")
    var seed: UInt64 = 5

    @Option(help: "Event-loop threads. 1 leaves the most CPU to a server sharing the machine.")
    var threads = 1

    @OptionGroup(title: "Platform webhooks")
    var webhooks: WebhookOptions

    func validate() throws {
        if mode == .routing {
            // In process: no server, so --url and the webhook options do not apply.
            guard (1...100_000_000).contains(events) else { throw ValidationError("--events must be 1…100000000") }
            return
        }
        let target: Target
        do {
            target = try Target(url: url)
        } catch {
            throw ValidationError(error.description)
        }
        guard (1...10_000).contains(connections) else { throw ValidationError("--connections must be 1…10000") }
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be > 0 and ≤ 3600 seconds") }
        guard warmup >= 0, warmup <= 600 else { throw ValidationError("--warmup must be 0…600 seconds") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1…64") }
        if let channel, channel.isEmpty { throw ValidationError("--channel must not be empty") }
        _ = try webhooks.jobs(for: mode.phases, mode: mode, target: target)
    }

    func run() async throws {
        if mode == .routing {
            let report = RoutingBench(events: events, seed: seed).run()
            print(report.table())
            print(report.resultLine())
            return
        }
        let target = try Target(url: url)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let report = await benchmark(target: target, group: group)
        // Every connection is closed by now (phases only return once theirs have finished); shutting
        // the group down releases the threads before the process exits.
        try? await group.shutdownGracefully()

        print(ReportTable.render(report.results, report: report.summary))
        print(report.summary.resultLine())
        if !report.summary.passed {
            Console.progress(
                report.summary.error.map { "FAILED: \($0)" }
                    ?? "FAILED: error rate above \(Int(BenchReport.maxErrorRate * 100))% (or nothing measured)"
            )
            throw ExitCode(1)
        }
    }

    /// Runs the phases. Never throws: a failure stops the run but is reported (with whatever phases did
    /// complete) so scripts always get a `RESULT` line to parse.
    private func benchmark(
        target: Target, group: MultiThreadedEventLoopGroup
    ) async -> (results: [PhaseResult], summary: BenchReport) {
        let loops = Array(group.makeIterator())
        let run = BenchRun.random()
        var channelID = channel
        var webhookJobs: [PhaseKind: WebhookJob] = [:]
        var results: [PhaseResult] = []
        var failure: String?
        do {
            // `validate()` has accepted these options already.
            webhookJobs = try webhooks.jobs(for: mode.phases, mode: mode, target: target)
            let address = try await ServerSetup.reachableAddress(target: target, loop: loops[0])
            if mode.phases.contains(.ingest), channelID == nil {
                let discovered = try await ServerSetup.discoverChannel(target: target, address: address, loop: loops[0])
                Console.progress("using channel \(discovered) from GET /demo")
                channelID = discovered
            }
            let runner = PhaseRunner(
                loops: loops,
                address: address,
                connections: connections,
                warmup: .nanoseconds(Int64(warmup * 1e9)),
                duration: .nanoseconds(Int64(duration * 1e9))
            )
            for kind in mode.phases {
                let job = PhaseJob(
                    kind: kind, hostHeader: target.hostHeader, channelID: channelID ?? "", run: run,
                    connections: connections, webhook: webhookJobs[kind]
                )
                if let webhook = job.webhook {
                    try await ServerSetup.checkRefusesForgery(job, webhook: webhook, address: address, loop: loops[0])
                }
                results.append(try await runner.run(job))
            }
        } catch {
            failure = "\(error)"
        }

        var phases: [String: BenchReport.Phase] = [:]
        for result in results { phases[result.kind.rawValue] = BenchReport.phase(result) }
        var ratio: Double?
        if let health = results.first(where: { $0.kind == .health }),
            let ingest = results.first(where: { $0.kind == .ingest }), health.throughput > 0
        {
            ratio = BenchReport.rounded(ingest.throughput / health.throughput, places: 4)
        }
        let passed = failure == nil && results.allSatisfy { $0.snapshot.errorRate <= BenchReport.maxErrorRate }
        var webhookChannels: [String: String] = [:]
        for (kind, job) in webhookJobs { webhookChannels[kind.platform] = job.channelID }
        let summary = BenchReport(
            url: url, channel: mode.phases.contains(.ingest) ? channelID : nil,
            wechatChannel: webhookChannels["wechat"], webhookChannels: webhookChannels.isEmpty ? nil : webhookChannels,
            runId: run.id, mode: mode.rawValue,
            connections: connections, threads: threads, warmupSeconds: warmup, durationSeconds: duration,
            phases: phases, ingestToHealthRatio: ratio, error: failure, passed: passed
        )
        return (results, summary)
    }
}
