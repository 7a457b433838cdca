import Foundation

/// The one door connectors have to the network. The gateway injects a real HTTP client;
/// tests inject fakes or point it at local fake platform servers.
public protocol HTTPTransport: Sendable {
    func execute(_ request: TransportRequest) async throws -> TransportResponse
}

public struct TransportRequest: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [String: String]
    public var body: [UInt8]
    public var timeout: TimeInterval

    public init(method: String, url: String, headers: [String: String] = [:], body: [UInt8] = [], timeout: TimeInterval = 15) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct TransportResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveEquals(name) }?.value
    }
}
