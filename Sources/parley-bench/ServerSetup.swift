import Foundation
import NIOCore

/// Work done once before any phase: find which loopback address answers, and which web-chat channel to
/// post to; before each webhook phase, check the server verifies that platform's signatures.
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

    /// Posts one webhook signed with wrong secrets (`WebhookJob.forged`) and requires a 401 or 403. A
    /// server that accepted it would be storing unverified messages, and the phase would measure less
    /// work than a real deployment does; any other answer (404, 400) means the channel options are
    /// wrong, which is better said now than as thousands of errors.
    static func checkRefusesForgery(_ job: PhaseJob, webhook: WebhookJob, address: SocketAddress, loop: any EventLoop) async throws {
        var template = webhook.forged.template(
            host: job.hostHeader, run: job.run, connection: 0, unixTime: Int64(Date().timeIntervalSince1970)
        )
        var bytes = ByteBuffer()
        template.write(seq: 1, messageID: BenchMessageID.probe(base: job.run.messageIDBase, tag: job.kind.webhookTag ?? 0), into: &bytes)
        let request = bytes
        let response = try await loop.flatSubmit {
            OneShotRequest.fetch(on: loop, address: address, head: RequestBytes.postHead, bytes: request)
        }.get()
        let answer = PhaseStats.describe(status: response.status, body: response.body)
        switch response.status.code {
        case 401, 403:
            Console.progress("\(job.kind.rawValue): a webhook with a wrong signature is refused (\(response.status.code))")
        case 200..<300:
            throw BenchError.setup(
                "\(job.kind.rawValue): channel \(webhook.channelID) accepted a webhook signed with a wrong secret (\(answer)); "
                    + "the server is not verifying signatures, so this phase would not measure real work"
            )
        default:
            throw BenchError.setup(
                "\(job.kind.rawValue): a webhook with a wrong signature to channel \(webhook.channelID) got \(answer) instead of "
                    + "401/403; check the --\(job.kind.platform)-channel option"
            )
        }
    }

    static func extractDataChannel(_ html: String) -> String? {
        guard let start = html.range(of: "data-channel=\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        let value = String(rest[..<end])
        return value.isEmpty ? nil : value
    }
}
