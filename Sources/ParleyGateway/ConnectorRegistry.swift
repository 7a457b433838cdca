import ParleyCore
import ParleyStore
import Synchronization

/// Builds a connector for a channel kind from the channel and its decrypted credentials.
public typealias ConnectorBuilder = @Sendable (Channel, [String: String]) throws -> any ChannelConnector

/// The live connector of each configured channel, built on first use from the stored channel and
/// its credentials (opened from the vault only here), then cached.
public actor ConnectorRegistry {
    private let channels: any ChannelRepository
    private let vault: CredentialVault
    private let builders: [ChannelKind: ConnectorBuilder]
    /// Settings for every channel of a kind (`[channels.<kind>]` in config/parley.toml); a
    /// channel's own settings override them.
    private let kindSettings: [ChannelKind: [String: String]]
    /// Built connectors. Every webhook looks its connector up here, so the lookup takes a lock
    /// rather than a turn on the actor; only a build runs on it.
    private let cache = Mutex<[ChannelID: any ChannelConnector]>([:])
    /// Counts each channel's invalidations, so a build that read the channel before a change
    /// does not cache what it built.
    private var changes: [ChannelID: Int] = [:]

    public init(
        channels: any ChannelRepository, vault: CredentialVault, builders: [ChannelKind: ConnectorBuilder],
        kindSettings: [ChannelKind: [String: String]] = [:]
    ) {
        self.channels = channels
        self.vault = vault
        self.builders = builders
        self.kindSettings = kindSettings
    }

    /// The channel with its kind's configured settings under its own: what its connector runs with.
    public nonisolated func effective(_ channel: Channel) -> Channel {
        var effective = channel
        effective.settings = (kindSettings[channel.kind] ?? [:]).merging(channel.settings) { $1 }
        return effective
    }

    public nonisolated func connector(for id: ChannelID) async throws(GatewayError) -> any ChannelConnector {
        if let cached = cache.withLock({ $0[id] }) { return cached }
        return try await build(id)
    }

    private func build(_ id: ChannelID) async throws(GatewayError) -> any ChannelConnector {
        let changesBefore = changes[id, default: 0]
        let stored: StoredChannel?
        do {
            stored = try await channels.channel(id)
        } catch {
            throw GatewayError.unavailable("cannot read channel \(id): \(error)")
        }
        guard let stored else { throw GatewayError.channelNotFound(id) }
        guard let builder = builders[stored.channel.kind] else {
            throw GatewayError.notFound("no connector for channel kind \(stored.channel.kind.rawValue) in this build")
        }
        let connector: any ChannelConnector
        do {
            connector = try builder(effective(stored.channel), try vault.open(stored.sealedCredentials))
        } catch {
            throw GatewayError.unavailable("channel \(id) cannot be started: \(error)")
        }
        // The channel changed while it was being read: this connector answers the request that
        // asked for it, and the next one builds from the changed channel.
        if changes[id, default: 0] == changesBefore {
            cache.withLock { $0[id] = connector }
        }
        return connector
    }

    /// Drops a cached connector after its channel changed.
    public func invalidate(_ id: ChannelID) {
        changes[id, default: 0] += 1
        _ = cache.withLock { $0.removeValue(forKey: id) }
    }

    public var supportedKinds: Set<ChannelKind> { Set(builders.keys) }

    /// The kind's builder, fed the kind's configured settings like every connector.
    public nonisolated func builder(for kind: ChannelKind) -> ConnectorBuilder? {
        guard let builder = builders[kind] else { return nil }
        return { channel, credentials in try builder(self.effective(channel), credentials) }
    }
}
