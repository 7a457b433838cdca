import Foundation
import ParleyCore

extension GraphClient {
    /// What became of a reply sent as one or more Graph messages.
    public enum PiecesOutcome: Sendable, Equatable {
        /// All accepted; the id of the last piece, which receipts will name.
        case sent(platformMessageID: String?)
        case retryLater(reason: String, after: TimeInterval?)
        /// Piece `piece` (0-based) of `total` was refused; `piece` earlier ones had arrived.
        case refused(status: Int, error: GraphError?, piece: Int, total: Int)
    }

    /// Posts `bodies` to `path` one after the other, in order, skipping those a previous
    /// attempt of the same message already delivered. The first refusal stops the rest.
    public func postPieces(
        _ path: String, bodies: [[UInt8]], message: MessageID, memory: DeliveredPieces, transport: any HTTPTransport,
        messageID: @Sendable ([UInt8]) -> String?
    ) async -> PiecesOutcome {
        let progress = await memory.progress(for: message)
        let done = progress.count
        var lastID = progress.platformID
        for (index, body) in bodies.enumerated() where index >= done {
            let piece = bodies.count > 1 ? " (piece \(index + 1) of \(bodies.count))" : ""
            switch await post(path, json: body, transport: transport) {
            case .accepted(let answer):
                lastID = messageID(answer) ?? lastID
                if index + 1 < bodies.count { await memory.record(index + 1, platformID: lastID, for: message) }
            case .retryLater(let reason, let after):
                return .retryLater(reason: reason + piece, after: after)
            case .refused(let status, let error):
                await memory.forget(message)
                return .refused(status: status, error: error, piece: index, total: bodies.count)
            }
        }
        await memory.forget(message)
        return .sent(platformMessageID: lastID)
    }
}

extension GraphClient {
    /// The send outcome of a multi-piece reply: `refusal` words a refused piece for the agent
    /// (each platform knows its own codes), pieces already delivered are named after it, and
    /// the access token never appears in a reason.
    public func sendOutcome(
        _ outcome: PiecesOutcome, refusal: (_ status: Int, _ error: GraphError?) -> String
    ) -> SendOutcome {
        switch outcome {
        case .sent(let id):
            return .sent(platformMessageID: id, via: .freeText)
        case .retryLater(let reason, let after):
            return .retryLater(reason: reason, after: after)
        case .refused(let status, let error, let piece, let total):
            let progress = total > 1 ? " (piece \(piece + 1) of \(total)\(piece > 0 ? "; \(piece) had been delivered" : ""))" : ""
            return .failed(reason: redacted(refusal(status, error) + progress))
        }
    }
}
