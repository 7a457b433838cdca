import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ParleyCore

/// The real network for connectors: AsyncHTTPClient with a per-request deadline.
public struct AsyncHTTPTransport: HTTPTransport {
    let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    public func execute(_ request: TransportRequest) async throws -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if !request.body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: request.body)) }
        let timeout = TimeAmount.milliseconds(Int64(request.timeout * 1_000))
        let response = try await client.execute(outgoing, timeout: timeout)
        let body = try await response.body.collect(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name] = header.value }
        return TransportResponse(status: Int(response.status.code), headers: headers, body: Array(body.readableBytesView))
    }
}

extension HTTPClient {
    /// The client connectors call platforms through. It follows no redirect: a trusted media host
    /// redirecting to a private address would otherwise slip past `MediaURLPolicy`; connectors
    /// whose platforms redirect on purpose (Twilio media to its CDN) check and follow each hop.
    public static func platformClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
