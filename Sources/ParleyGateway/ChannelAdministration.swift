import Foundation
import ParleyCore
import ParleyStore

/// Adding channels and agents, for the CLI and (later) the admin API. Settings are validated
/// before anything is stored; credentials are sealed before they reach the database.
public struct ChannelAdministration: Sendable {
    let channels: any ChannelRepository
    let agents: any AgentRepository
    let vault: CredentialVault
    let passwords: PasswordHasher
    let clock: any WallClock

    public init(
        channels: any ChannelRepository, agents: any AgentRepository, vault: CredentialVault,
        passwords: PasswordHasher = PasswordHasher(), clock: any WallClock = SystemClock()
    ) {
        self.channels = channels
        self.agents = agents
        self.vault = vault
        self.passwords = passwords
        self.clock = clock
    }

    /// Stores a new channel. With `builder`, the connector is built first, so a missing or
    /// malformed credential is refused here rather than at the platform's first call.
    public func addChannel(
        kind: ChannelKind, name: String, credentials: [String: String], settings: [String: String],
        builder: ConnectorBuilder? = nil
    ) async throws(GatewayError) -> Channel {
        let trimmedName = name.trimmingCharacters(in: .whitespaces)
        guard !trimmedName.isEmpty else { throw GatewayError.invalid(field: "name", reason: "must not be empty") }
        try Self.validate(settings: settings, kind: kind)
        var credentials = credentials
        if kind == .webchat, credentials["visitorSecret"] == nil {
            // Visitor tokens are HMACs under this secret, so they verify without a database read.
            credentials["visitorSecret"] = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
        }
        let channel = Channel(id: .random(), kind: kind, name: trimmedName, settings: settings)
        if let builder {
            do {
                _ = try builder(channel, credentials)
            } catch {
                throw GatewayError.invalid(field: "credential", reason: "\(error)")
            }
        }
        do {
            try await channels.insertChannel(channel, sealedCredentials: try vault.seal(credentials), at: clock.now())
        } catch {
            throw GatewayError.unavailable("cannot store the channel: \(error)")
        }
        return channel
    }

    public func addAgent(email: String, name: String, password: String, role: AgentRole) async throws(GatewayError) -> Agent {
        let email = email.trimmingCharacters(in: .whitespaces)
        guard email.contains("@"), email.count <= 254 else { throw GatewayError.invalid(field: "email", reason: "'\(email)' is not an email address") }
        guard password.count >= 8 else { throw GatewayError.invalid(field: "password", reason: "must be at least 8 characters") }
        let hash: String
        do { hash = try passwords.hash(password) } catch { throw GatewayError.unavailable("cannot hash the password: \(error)") }
        let draft = AgentDraft(email: email, name: name.isEmpty ? email : name, role: role, passwordHash: hash)
        do { return try await agents.insertAgent(draft, at: clock.now()) } catch { throw GatewayError(error) }
    }

    /// Changes a channel's settings: `nil` removes a key (back to the default). The result is
    /// validated as a whole and the connector `builders` gives for its kind is built with it, so
    /// nothing is stored unless the channel would start with it. Returns the updated channel.
    public func updateChannel(
        _ id: ChannelID, settings changes: [String: String?], builders: (ChannelKind) -> ConnectorBuilder?
    ) async throws(GatewayError) -> Channel {
        let stored: StoredChannel
        do {
            guard let found = try await channels.channel(id) else { throw GatewayError.channelNotFound(id) }
            stored = found
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.unavailable("cannot read channel \(id): \(error)")
        }
        var channel = stored.channel
        for (key, value) in changes { channel.settings[key] = value }
        try Self.validate(settings: channel.settings, kind: channel.kind)
        if let builder = builders(channel.kind) {
            do {
                _ = try builder(channel, try vault.open(stored.sealedCredentials))
            } catch {
                throw GatewayError.invalid(field: "settings", reason: "\(error)")
            }
        }
        do {
            guard try await channels.updateChannelSettings(id, settings: channel.settings) else { throw GatewayError.channelNotFound(id) }
        } catch let error as GatewayError {
            throw error
        } catch {
            throw GatewayError.unavailable("cannot store the channel: \(error)")
        }
        return channel
    }

    /// Refuses settings the gateway would misread or ignore, naming the key.
    public static func validate(settings: [String: String], kind: ChannelKind) throws(GatewayError) {
        let known = kind.settingKeys
        if let unknown = settings.keys.sorted().first(where: { !known.contains($0) }) {
            throw GatewayError.invalid(
                field: unknown, reason: "is not a \(kind.rawValue) setting (known: \(known.sorted().joined(separator: ", ")))"
            )
        }
        for key in ChannelPolicy.durationKeys {
            if let value = settings[key] {
                do { _ = try DurationText.parse(value) } catch { throw GatewayError.invalid(field: key, reason: error.description) }
            }
        }
        if let value = settings["textLimit"], (Int(value) ?? 0) <= 0 {
            throw GatewayError.invalid(field: "textLimit", reason: "'\(value)' is not a positive whole number")
        }
        if let value = settings["apiBaseURL"] {
            guard let url = URL(string: value), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw GatewayError.invalid(field: "apiBaseURL", reason: "'\(value)' is not an http(s) URL")
            }
        }
    }
}
