import Foundation
import ParleyCore

/// An `HTTPTransport` that answers from a script and records every request, for dispatcher and
/// connector tests that need no socket.
public actor ScriptedTransport: HTTPTransport {
    public enum Step: Sendable {
        case respond(TransportResponse)
        case timeout
        /// 200 with a fresh platform id in the body (`pid-1`, `pid-2`...), as real platforms answer.
        case accept
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public var description: String { "request timed out" }
    }

    private var script: [Step]
    private let fallback: Step
    public private(set) var requests: [TransportRequest] = []
    private var accepted = 0

    /// Answers with `script` in order, then with `fallback` forever.
    public init(_ script: [Step], then fallback: Step = .accept) {
        self.script = script
        self.fallback = fallback
    }

    public func execute(_ request: TransportRequest) async throws -> TransportResponse {
        requests.append(request)
        let step = script.isEmpty ? fallback : script.removeFirst()
        switch step {
        case .respond(let response): return response
        case .timeout: throw TimedOut()
        case .accept:
            accepted += 1
            return TransportResponse(status: 200, body: Array("pid-\(accepted)".utf8))
        }
    }
}
