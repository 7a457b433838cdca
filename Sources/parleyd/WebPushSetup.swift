import Foundation
import ParleyStore
import WebPush

/// The server's Web Push identity: a VAPID key pair generated on the first start and kept sealed
/// with the other secrets, so every browser subscription stays valid across restarts.
enum WebPushSetup {
    static let secretName = "vapid-private-key"

    static func sender(store: SQLiteStore, vault: CredentialVault, settings: Settings) async throws -> WebPushSender {
        let policy: PushServicePolicy
        do {
            policy = try PushServicePolicy(pushServiceHosts: settings.pushServiceHosts)
        } catch {
            throw Settings.Invalid(key: "PARLEY_PUSH_SERVICE_HOSTS", reason: error.reason)
        }
        let keys = try await keys(store: store, vault: vault)
        do {
            return WebPushSender(signer: try VAPIDSigner(keys: keys, subject: settings.vapidSubject), policy: policy)
        } catch {
            throw Settings.Invalid(key: "PARLEY_VAPID_SUBJECT", reason: error.reason)
        }
    }

    private static func keys(store: SQLiteStore, vault: CredentialVault) async throws -> VAPIDKeyPair {
        let fresh = VAPIDKeyPair.generate()
        // Two processes starting at once both offer a key; the store keeps the first.
        let kept = try await store.keepSecret(
            named: secretName, sealed: try vault.seal(["privateKey": fresh.privateKeyBase64URL]), at: Date()
        )
        guard let text = try vault.open(kept)["privateKey"] else {
            throw Settings.Invalid(key: "vapid key", reason: "the stored VAPID key is unreadable; delete it to have a new one made")
        }
        return try VAPIDKeyPair(privateKey: text)
    }
}
