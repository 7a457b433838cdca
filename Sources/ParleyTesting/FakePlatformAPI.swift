import AsyncHTTPClient
import Foundation
import ParleyCore
import ParleyHTTP

/// A fake platform API on 127.0.0.1 that a test starts and must stop.
public protocol FakePlatformAPI: Sendable {
    func stop() async
}

/// Runs `body` against `api` through a real HTTP client configured as `parleyd`'s (no
/// redirects followed), then shuts both down whatever the body did.
public func withPlatform<API: FakePlatformAPI>(
    _ api: API, _ body: (API, any HTTPTransport) async throws -> Void
) async throws {
    let client = HTTPClient.platformClient()
    let result: Result<Void, any Error>
    do {
        try await body(api, AsyncHTTPTransport(client: client))
        result = .success(())
    } catch {
        result = .failure(error)
    }
    try? await client.shutdown()
    await api.stop()
    try result.get()
}

/// The same network with a short client deadline, to see what a timeout does.
public struct ImpatientTransport: HTTPTransport {
    public let base: any HTTPTransport
    public let timeout: TimeInterval

    public init(base: any HTTPTransport, timeout: TimeInterval) {
        self.base = base
        self.timeout = timeout
    }

    public func execute(_ request: TransportRequest) async throws -> TransportResponse {
        var request = request
        request.timeout = timeout
        return try await base.execute(request)
    }
}
