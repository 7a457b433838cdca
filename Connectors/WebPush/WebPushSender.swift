import Foundation
import ParleyCore

/// Sends Web Push messages: checks the endpoint against the policy, encrypts the payload for the
/// browser (RFC 8291), signs a VAPID token for the push service (RFC 8292) and POSTs the message
/// (RFC 8030) through the injected transport.
public struct WebPushSender: WebPushSending {
    public let signer: VAPIDSigner
    public let policy: PushServicePolicy
    /// Seconds to wait for the push service's answer.
    public let timeout: TimeInterval

    public init(signer: VAPIDSigner, policy: PushServicePolicy, timeout: TimeInterval = 15) {
        self.signer = signer
        self.policy = policy
        self.timeout = timeout
    }

    public var applicationServerKey: String { signer.keys.applicationServerKey }

    public func refusal(for subscription: PushSubscription) -> String? {
        switch policy.check(subscription.endpoint) {
        case .success: nil
        case .failure(let refusal): refusal.description
        }
    }

    public func send(
        _ payload: [UInt8], to subscription: PushSubscription, ttl: Int, urgency: PushUrgency, topic: String?,
        transport: any HTTPTransport, now: Date
    ) async -> PushOutcome {
        let request: TransportRequest
        switch self.request(payload, to: subscription, ttl: ttl, urgency: urgency, topic: topic, now: now) {
        case .success(let built): request = built
        case .failure(let refusal): return .failed(reason: refusal.reason)
        }
        let host = URLComponents(string: request.url)?.percentEncodedHost.map(PushServicePolicy.normalized) ?? request.url
        let response: TransportResponse
        do {
            response = try await transport.execute(request)
        } catch {
            return .retryLater(reason: "push service \(host) could not be reached: \(error)", after: nil)
        }
        return PushServiceAnswer.outcome(of: response, host: host, now: now)
    }

    /// Why a message was not sent at all; nothing went over the network.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The exact request a push service receives, or why none may be sent (a refused endpoint,
    /// a bad TTL or topic, a payload too large to encrypt).
    public func request(
        _ payload: [UInt8], to subscription: PushSubscription, ttl: Int, urgency: PushUrgency, topic: String?, now: Date
    ) -> Result<TransportRequest, Refusal> {
        let url: URL
        switch policy.check(subscription.endpoint) {
        case .success(let checked): url = checked
        case .failure(let refusal): return .failure(Refusal(reason: refusal.description))
        }
        guard ttl >= 0 else { return .failure(Refusal(reason: "the push TTL must be 0 or more seconds, not \(ttl)")) }
        if let topic, let problem = Self.topicProblem(topic) { return .failure(Refusal(reason: problem)) }
        guard let audience = VAPIDSigner.audience(of: url) else {
            return .failure(Refusal(reason: "the push endpoint '\(subscription.endpoint)' has no origin to sign for"))
        }
        let body: [UInt8]
        let authorization: String
        do {
            body = try WebPushEncryption.encrypt(payload, for: subscription)
        } catch {
            return .failure(Refusal(reason: error.description))
        }
        do {
            authorization = try signer.authorization(audience: audience, now: now)
        } catch {
            return .failure(Refusal(reason: "signing the VAPID token failed: \(error)"))
        }
        var headers = [
            "TTL": String(ttl),
            "Urgency": urgency.rawValue,
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "Authorization": authorization,
        ]
        if let topic { headers["Topic"] = topic }
        return .success(TransportRequest(method: "POST", url: subscription.endpoint, headers: headers, body: body, timeout: timeout))
    }

    /// RFC 8030 §5.4: at most 32 characters of the base64url alphabet.
    static func topicProblem(_ topic: String) -> String? {
        guard !topic.isEmpty, topic.utf8.count <= 32 else {
            return "the push topic must be 1 to 32 base64url characters; '\(topic.prefix(40))' has \(topic.count)"
        }
        let allowed = topic.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): true
            default: false
            }
        }
        return allowed ? nil : "the push topic '\(topic)' may use only base64url characters (A–Z a–z 0–9 - _)"
    }
}
