import Foundation

/// Sends one Web Push message (RFC 8030, encrypted per RFC 8291, signed per RFC 8292). The
/// gateway depends on this protocol; the WebPush connector implements it, tests may fake it.
public protocol WebPushSending: Sendable {
    /// What browsers subscribe with (`applicationServerKey`): the VAPID public key, base64url.
    var applicationServerKey: String { get }

    /// Why a subscription must not be stored (its endpoint is no known push service), `nil` when
    /// it may: checked when the browser hands it over, so a refused one is never kept.
    func refusal(for subscription: PushSubscription) -> String?

    /// Encrypts `payload` for the subscription's browser and POSTs it to its push service.
    /// - Parameters:
    ///   - ttl: seconds the push service keeps the message while the browser is offline (0: now or never).
    ///   - topic: replaces an undelivered earlier message with the same topic; at most 32 base64url characters.
    ///   - now: the clock, for the VAPID token's expiry and an HTTP-date `Retry-After`.
    /// Never throws: every failure is an outcome the caller can act on.
    func send(
        _ payload: [UInt8], to subscription: PushSubscription, ttl: Int, urgency: PushUrgency, topic: String?,
        transport: any HTTPTransport, now: Date
    ) async -> PushOutcome
}
