import NIOCore

/// Work done once before any phase: find which loopback address answers, and which web-chat channel to
/// post to.
enum ServerSetup {
    /// Sends `GET /health` to each candidate address in turn and returns the first that answers at all
    /// (any status: the health phase will report a failing status properly). This also checks the port
    /// speaks HTTP before dozens of connections are opened against it.
    static func reachableAddress(target: Target, loop: any EventLoop) async throws -> SocketAddress {
        var failures: [String] = []
        for address in target.candidates {
            let bytes = RequestBytes.get(path: "/health", host: target.hostHeader)
            do {
                let response = try await loop.flatSubmit {
                    OneShotRequest.fetch(on: loop, address: address, head: RequestBytes.getHead, bytes: bytes)
                }.get()
                if response.status != .ok {
                    Console.progress("warning: GET /health answered \(response.status.code) on \(address)")
                }
                return address
            } catch {
                failures.append("\(address): \(error)")
            }
        }
        throw BenchError.setup(
            "cannot reach the server (\(failures.joined(separator: "; "))). Is parleyd running on that port?"
        )
    }

    /// The channel embedded by `GET /demo`: the page carries `data-channel="<id>"` on the widget tag.
    static func discoverChannel(target: Target, address: SocketAddress, loop: any EventLoop) async throws -> String {
        let bytes = RequestBytes.get(path: "/demo", host: target.hostHeader)
        let response = try await loop.flatSubmit {
            OneShotRequest.fetch(on: loop, address: address, head: RequestBytes.getHead, bytes: bytes)
        }.get()
        guard response.status == .ok else {
            throw BenchError.setup(
                "GET /demo answered \(PhaseStats.describe(status: response.status, body: response.body)); pass --channel"
            )
        }
        guard let channel = extractDataChannel(response.text) else {
            throw BenchError.setup("GET /demo has no data-channel=\"…\" attribute; pass --channel")
        }
        return channel
    }

    static func extractDataChannel(_ html: String) -> String? {
        guard let start = html.range(of: "data-channel=\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        let value = String(rest[..<end])
        return value.isEmpty ? nil : value
    }
}
