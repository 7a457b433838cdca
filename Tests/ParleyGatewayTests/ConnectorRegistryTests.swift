import Foundation
import ParleyCore
import ParleyGateway
import ParleyStore
import ParleyTesting
import Testing

@Suite("Connector registry")
struct ConnectorRegistryTests {
    /// Holds the first channel read, after it has read, until the test lets it go.
    private actor ReadGate {
        private var held: CheckedContinuation<Void, Never>?
        private var arrived: CheckedContinuation<Void, Never>?
        private var used = false

        func hold() async {
            guard !used else { return }
            used = true
            arrived?.resume()
            arrived = nil
            await withCheckedContinuation { held = $0 }
        }

        func waitForHeldRead() async {
            if used { return }
            await withCheckedContinuation { arrived = $0 }
        }

        func release() {
            held?.resume()
            held = nil
        }
    }

    private struct GatedChannels: ChannelRepository {
        let store: SQLiteStore
        let gate: ReadGate

        func channel(_ id: ChannelID) async throws -> StoredChannel? {
            let stored = try await store.channel(id)
            await gate.hold()
            return stored
        }

        func insertChannel(_ channel: Channel, sealedCredentials: [UInt8], at time: Date) async throws {
            try await store.insertChannel(channel, sealedCredentials: sealedCredentials, at: time)
        }

        func channels() async throws -> [Channel] { try await store.channels() }

        func updateChannelSettings(_ id: ChannelID, settings: [String: String]) async throws -> Bool {
            try await store.updateChannelSettings(id, settings: settings)
        }

        func pollCursor(_ id: ChannelID) async throws -> String? { try await store.pollCursor(id) }

        func savePollCursor(_ cursor: String, for id: ChannelID, at time: Date) async throws {
            try await store.savePollCursor(cursor, for: id, at: time)
        }
    }

    @Test func aChangeMadeWhileTheConnectorIsBuiltIsNotHiddenByIt() async throws {
        let harness = try TestGateway()
        defer { harness.removeFiles() }
        let channel = try await harness.addRecordingChannel(settings: ["apiBaseURL": "http://127.0.0.1:9"])
        let gate = ReadGate()
        let registry = ConnectorRegistry(
            channels: GatedChannels(store: harness.store, gate: gate), vault: harness.vault,
            builders: [.telegram: { channel, credentials in RecordingConnector(channel: channel, credentials: credentials) }]
        )

        let webhook = Task { try await registry.connector(for: channel.id) }
        await gate.waitForHeldRead()
        // An admin changes the channel after the webhook's build read it.
        #expect(try await harness.store.updateChannelSettings(channel.id, settings: ["apiBaseURL": "http://127.0.0.1:10"]))
        await registry.invalidate(channel.id)
        await gate.release()

        #expect(try await webhook.value.channel.settings["apiBaseURL"] == "http://127.0.0.1:9")
        let next = try await registry.connector(for: channel.id)
        #expect(next.channel.settings["apiBaseURL"] == "http://127.0.0.1:10")
        #expect(try await registry.connector(for: channel.id).channel.settings["apiBaseURL"] == "http://127.0.0.1:10")
    }
}
