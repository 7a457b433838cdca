import ParleyStore

/// How a subscription is doing, as admins read it.
public enum WebhookStatus: String, Sendable {
    /// On, and its last attempts succeeded (or too few failed in a row to call it failing).
    case active
    /// On, and at least `failingAfter` attempts in a row failed: deliveries keep being retried
    /// at the longest backoff, nothing is dropped, and `lastError` says what the receiver did.
    case failing
    /// Switched off by an admin: nothing is queued for it and its queue waits.
    case disabled

    public init(_ subscription: WebhookSubscription, failingAfter: Int) {
        if !subscription.active {
            self = .disabled
        } else {
            self = subscription.consecutiveFailures >= failingAfter ? .failing : .active
        }
    }
}
