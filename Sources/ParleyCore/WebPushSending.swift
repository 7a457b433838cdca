import Foundation

/// Sends one Web Push message (RFC 8030, encrypted per RFC 8291, signed per RFC 8292). The
/// gateway depends on this protocol; the WebPush connector implements it, tests may fake it.
public protocol WebPushSending: Sendable {
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
