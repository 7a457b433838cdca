import AsyncHTTPClient
import Logging
import ParleyGateway
import ParleyHTTP
import Prometheus

/// Runs `parleyd`'s HTTP application for `harness` on 127.0.0.1 with a port the kernel picks,
/// hands `body` the port and a client to reach it, and stops both afterwards whatever the body
/// did: for tests that must send raw bytes over a real socket, as a platform does.
public func withLiveApplication(_ harness: TestGateway, _ body: (_ port: Int, HTTPClient) async throws -> Void) async throws {
    var logger = Logger(label: "live-application")
    logger.logLevel = .critical
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = try buildApplication(
        configuration: HTTPConfiguration(host: "127.0.0.1", port: 0), gateway: harness.gateway,
        metricsRegistry: harness.registry, logger: logger,
        onServerRunning: { port in
            continuation.yield(port)
            continuation.finish()
        }
    )
    let server = Task { try await app.runService(gracefulShutdownSignals: []) }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        server.cancel()
        throw CancellationError()
    }
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    let outcome: Result<Void, any Error>
    do {
        try await body(port, client)
        outcome = .success(())
    } catch {
        outcome = .failure(error)
    }
    try? await client.shutdown()
    server.cancel()
    _ = try? await server.value
    try outcome.get()
}
