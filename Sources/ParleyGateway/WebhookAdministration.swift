import Foundation
import ParleyCore
import ParleyStore

/// Managing outgoing webhook subscriptions, for the CLI and (through `Gateway`, admins only) the
/// API. Input is checked before anything is stored, naming the field; the secret is generated
/// here, sealed by the vault before it reaches the database, and shown only by `create` and
/// `rotateSecret`.
public struct WebhookAdministration: Sendable {
    let webhooks: any WebhookRepository
    let vault: CredentialVault
    let clock: any WallClock
    /// Failed attempts in a row after which a subscription reads `failing`.
    public let failingAfter: Int

    /// A subscription with the secret that signs its deliveries, shown this once.
    public struct WithSecret: Sendable {
        public var subscription: WebhookSubscription
        public var secret: String
    }

    /// `failingAfter` defaults to the attempts a reply gets before the outbox gives up on it.
    public init(webhooks: any WebhookRepository, vault: CredentialVault, clock: any WallClock = SystemClock(), failingAfter: Int = RetryPolicy().maximumAttempts) {
        self.webhooks = webhooks
        self.vault = vault
        self.clock = clock
        self.failingAfter = failingAfter
    }

    /// Subscribes `url` to `eventTypes` (offered names, or `*`); it receives events committed from now on.
    public func create(url: String?, eventTypes: [String]?, includeNotes: Bool = false) async throws(GatewayError) -> WithSecret {
        guard let url else { throw GatewayError.invalid(field: "url", reason: "is required (the http(s) URL to POST events to)") }
        guard let eventTypes else {
            throw GatewayError.invalid(field: "events", reason: "is required: some of \(Self.offeredList), or [\"*\"] for all")
        }
        let draft = WebhookDraft(url: try Self.checkedURL(url), eventTypes: try Self.checkedEventTypes(eventTypes), includeNotes: includeNotes)
        let secret = Self.newSecret()
        do {
            let stored = try await webhooks.insertWebhook(draft, sealedSecret: try seal(secret), at: clock.now())
            return WithSecret(subscription: stored, secret: secret)
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.unavailable("cannot store the webhook: \(error)")
        }
    }

    public func list() async throws(GatewayError) -> [WebhookSubscription] {
        do { return try await webhooks.webhooks() } catch { throw GatewayError.unavailable("\(error)") }
    }

    public func subscription(_ id: WebhookID) async throws(GatewayError) -> WebhookSubscription {
        let found: WebhookSubscription?
        do { found = try await webhooks.webhook(id) } catch { throw GatewayError.unavailable("\(error)") }
        guard let found else { throw Self.notFound(id) }
        return found
    }

    /// Changes what is given (`nil` keeps the value). Disabling stops the queue from growing and
    /// from being sent; enabling again resumes the waiting deliveries, and queues what is
    /// committed from then on (not what happened while it was off).
    public func update(
        _ id: WebhookID, url: String? = nil, eventTypes: [String]? = nil, includeNotes: Bool? = nil, active: Bool? = nil
    ) async throws(GatewayError) -> WebhookSubscription {
        let change = WebhookChange(
            url: try url.map(Self.checkedURL), eventTypes: try eventTypes.map(Self.checkedEventTypes), includeNotes: includeNotes, active: active
        )
        let updated: WebhookSubscription?
        do { updated = try await webhooks.updateWebhook(id, change, at: clock.now()) } catch { throw GatewayError.unavailable("\(error)") }
        guard let updated else { throw Self.notFound(id) }
        return updated
    }

    /// Removes the subscription, its queue and its log.
    public func delete(_ id: WebhookID) async throws(GatewayError) {
        let deleted: Bool
        do { deleted = try await webhooks.deleteWebhook(id) } catch { throw GatewayError.unavailable("\(error)") }
        guard deleted else { throw Self.notFound(id) }
    }

    /// A new secret, used from the next attempt on (retries of queued deliveries included).
    public func rotateSecret(_ id: WebhookID) async throws(GatewayError) -> WithSecret {
        let secret = Self.newSecret()
        do {
            guard try await webhooks.replaceWebhookSecret(id, sealedSecret: try seal(secret), at: clock.now()) else { throw Self.notFound(id) }
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.unavailable("cannot store the secret: \(error)")
        }
        return WithSecret(subscription: try await subscription(id), secret: secret)
    }

    /// The delivery log, newest first.
    public func deliveries(_ id: WebhookID, limit: Int) async throws(GatewayError) -> [WebhookDelivery] {
        _ = try await subscription(id)
        do { return try await webhooks.webhookDeliveries(of: id, limit: limit) } catch { throw GatewayError.unavailable("\(error)") }
    }

    public func status(of subscription: WebhookSubscription) -> WebhookStatus {
        WebhookStatus(subscription, failingAfter: failingAfter)
    }

    // MARK: - Checks

    /// An absolute http(s) URL with a host. No user or password in it: they would show in every
    /// listing and log line, and the signature already proves the sender.
    public static func checkedURL(_ text: String) throws(GatewayError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 2_048 else { throw GatewayError.invalid(field: "url", reason: "must be 1 to 2048 characters") }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty
        else {
            throw GatewayError.invalid(field: "url", reason: "'\(trimmed)' is not an absolute http(s) URL")
        }
        guard url.user == nil, url.password == nil else {
            throw GatewayError.invalid(field: "url", reason: "must not carry a user name or password; receivers check the signature instead")
        }
        guard url.fragment == nil else { throw GatewayError.invalid(field: "url", reason: "must not have a #fragment (it is never sent)") }
        return trimmed
    }

    /// Known names or `*`, at least one; duplicates dropped, and `*` alone when given.
    public static func checkedEventTypes(_ types: [String]) throws(GatewayError) -> [String] {
        guard !types.isEmpty else { throw GatewayError.invalid(field: "events", reason: "must name at least one event type, or \"*\" for all") }
        var kept: [String] = []
        for type in types {
            guard type == WebhookEventTypes.all || WebhookEventTypes.offered.contains(type) else {
                throw GatewayError.invalid(field: "events", reason: "'\(type)' is not one of \(offeredList) or *")
            }
            if !kept.contains(type) { kept.append(type) }
        }
        return kept.contains(WebhookEventTypes.all) ? [WebhookEventTypes.all] : kept
    }

    static let offeredList = WebhookEventTypes.offered.joined(separator: ", ")

    /// 32 random bytes as 64 lowercase hex characters.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    private func seal(_ secret: String) throws -> [UInt8] {
        try vault.seal(["secret": secret])
    }

    private static func notFound(_ id: WebhookID) -> GatewayError {
        GatewayError.notFound("webhook \(id) not found")
    }
}
