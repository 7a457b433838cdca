import Foundation
import ParleyCore
import Synchronization

/// A `WebPushSending` that records what it was asked to push and answers from a script, for
/// gateway tests of the push-back routes (the real sender's encryption and requests are tested
/// against RFC 8291's vectors and, in the conformance suite, a Python push service).
public final class RecordingWebPush: WebPushSending {
    public struct Push: Sendable, Equatable {
        public var endpoint: String
        public var payload: [UInt8]
        public var ttl: Int
        public var topic: String?

        /// The payload as the service worker reads it.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] ?? [:]
        }
    }

    private struct State {
        var pushes: [Push] = []
        var answers: [PushOutcome] = []
    }

    private let state = Mutex(State())
    public let applicationServerKey = "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U"

    public init() {}

    /// Pushes sent so far, in order.
    public var pushes: [Push] { state.withLock { $0.pushes } }

    /// The next sends answer these, one each, before sends are delivered again.
    public func answerNext(_ outcomes: PushOutcome...) {
        state.withLock { $0.answers += outcomes }
    }

    public func refusal(for subscription: PushSubscription) -> String? { nil }

    public func send(
        _ payload: [UInt8], to subscription: PushSubscription, ttl: Int, urgency: PushUrgency, topic: String?,
        transport: any HTTPTransport, now: Date
    ) async -> PushOutcome {
        state.withLock { state in
            state.pushes.append(Push(endpoint: subscription.endpoint, payload: payload, ttl: ttl, topic: topic))
            return state.answers.isEmpty ? .delivered : state.answers.removeFirst()
        }
    }
}
