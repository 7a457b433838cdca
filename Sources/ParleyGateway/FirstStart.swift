import Foundation
import ParleyCore
import ParleyStore

/// What a fresh installation needs before anyone can use it: an admin and a web-chat channel.
public enum FirstStart {
    public struct Outcome: Sendable {
        /// Set when the admin was created with a generated password, which is shown once.
        public var generatedAdminPassword: String?
        public var createdAdmin: Agent?
        public var webChatChannel: Channel
    }

    public static func ensureDefaults(
        administration: ChannelAdministration, adminEmail: String, adminPassword: String?
    ) async throws(GatewayError) -> Outcome {
        var generated: String?
        var createdAdmin: Agent?
        let agentCount: Int
        do { agentCount = try await administration.agents.agentCount() } catch { throw GatewayError.unavailable("\(error)") }
        if agentCount == 0 {
            let password = adminPassword ?? generatePassword()
            if adminPassword == nil { generated = password }
            createdAdmin = try await administration.addAgent(email: adminEmail, name: "Administrator", password: password, role: .admin)
        }
        let existing: [Channel]
        do { existing = try await administration.channels.channels() } catch { throw GatewayError.unavailable("\(error)") }
        let webChat: Channel
        if let first = existing.first(where: { $0.kind == .webchat }) {
            webChat = first
        } else {
            webChat = try await administration.addChannel(kind: .webchat, name: "Website", credentials: [:], settings: [:])
        }
        return Outcome(generatedAdminPassword: generated, createdAdmin: createdAdmin, webChatChannel: webChat)
    }

    private static func generatePassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<20).map { _ in alphabet.randomElement()! })
    }
}
