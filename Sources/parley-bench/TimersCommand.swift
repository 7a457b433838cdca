import ArgumentParser
import CoreMetrics
import Crypto
import Foundation
import Logging
import ParleyCore
import ParleyGateway
import ParleyStore
import WebChatConnector

/// `parley-bench timers`: the real store, gateway and deadline scheduler in this process, over a
/// fresh database. Opens N web-chat conversations whose idle closes fall due `--rate` per second,
/// lets the scheduler fire them, and reports how late each close reached an event subscriber (what
/// an agent's workbench would see), the firing rate, and the scheduler's CPU once nothing is due.
struct TimersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timers",
        abstract: "Measures the deadline scheduler: lateness of staggered idle closes and idle CPU."
    )

    @Option(help: "Open conversations, each with one idle-close deadline.")
    var conversations = 100_000

    @Option(help: "Deadlines falling due per second.")
    var rate = 1_000.0

    @Option(help: "Seconds between the end of setup and the first due time.")
    var lead = 5.0

    @Option(help: "Seconds the idle scheduler's CPU is measured once everything has fired.")
    var idle = 10.0

    func validate() throws {
        guard (1...1_000_000).contains(conversations) else { throw ValidationError("--conversations must be 1…1000000") }
        guard rate > 0, rate <= 100_000 else { throw ValidationError("--rate must be > 0 and ≤ 100000") }
        guard lead >= 1, lead <= 600 else { throw ValidationError("--lead must be 1…600 seconds") }
        guard idle >= 1, idle <= 600 else { throw ValidationError("--idle must be 1…600 seconds") }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-bench-timers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("parley.sqlite").path)
        var logger = Logger(label: "parley-bench.timers")
        logger.logLevel = .warning
        let gateway = Gateway.assemble(
            store: store, vault: CredentialVault(key: SymmetricKey(size: .bits256)),
            connectors: [.webchat: { channel, credentials in try WebChatConnector(channel: channel, credentials: credentials) }],
            transport: NoNetwork(), webhookPayload: Self.noWebhooks, metricsFactory: NOOPMetricsHandler.instance, logger: logger, publicBaseURL: "http://127.0.0.1"
        )
        let scenario = try await TimersScenario.prepare(gateway: gateway, store: store, conversations: conversations, rate: rate, lead: lead)
        Console.progress("setup: \(conversations) conversations in \(String(format: "%.1f", scenario.setupSeconds)) s; first close due in \(lead) s")

        let result = try await scenario.measure(gateway: gateway, idleSeconds: idle)
        print(result.table)
        print(result.resultLine)
        if result.closed < conversations { throw ExitCode(1) }
    }

    /// The bench subscribes no webhook, so no event is ever encoded for one (and this target
    /// does not link the HTTP layer that owns the real encoding).
    @Sendable
    private static func noWebhooks(_ event: DomainEvent) throws -> [UInt8] {
        Array(#"{"type":"\#(event.type)"}"#.utf8)
    }
}

/// The bench never reaches a platform: web chat sends nothing over HTTP.
private struct NoNetwork: HTTPTransport {
    func execute(_ request: TransportRequest) async throws -> TransportResponse {
        TransportResponse(status: 599)
    }
}
