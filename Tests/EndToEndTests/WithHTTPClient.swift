import AsyncHTTPClient

/// Runs `body` with a client that is shut down afterwards, whether `body` throws or not.
func withHTTPClient(
    _ configuration: HTTPClient.Configuration = HTTPClient.Configuration(), _ body: (HTTPClient) async throws -> Void
) async throws {
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        try await body(client)
    } catch {
        try await client.shutdown()
        throw error
    }
    try await client.shutdown()
}
