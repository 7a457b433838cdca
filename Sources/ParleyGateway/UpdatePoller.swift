import Foundation
import Logging
import ParleyCore
import ParleyStore
import ServiceLifecycle

/// Long-polls the channels configured to poll (Telegram `mode=polling`), for deployments without
/// a public URL. Each poll's updates go through the same ingest as webhooks; only once they are
/// committed is the cursor that confirms them saved, so a restart resumes exactly there: nothing
/// is lost, and what is fetched again is a duplicate the store already ignores.
public final class UpdatePoller: Service {
    private let gateway: Gateway
    private let transport: any HTTPTransport
    /// Seconds the platform may hold each poll open.
    private let wait: Int
    private let pauseAfterFailure: Duration

    public init(gateway: Gateway, transport: any HTTPTransport, wait: Int = 25, pauseAfterFailure: Duration = .seconds(5)) {
        self.gateway = gateway
        self.transport = transport
        self.wait = wait
        self.pauseAfterFailure = pauseAfterFailure
    }

    public func run() async throws {
        let polled = await pollingConnectors()
        guard !polled.isEmpty else {
            // A service that returns early would stop the whole gateway: idle until shutdown.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for connector in polled {
                    group.addTask {
                        while !Task.isCancelled {
                            if await self.pollOnce(connector) == 0 { continue }
                            try? await Task.sleep(for: self.pauseAfterFailure)
                        }
                    }
                }
            }
        }
    }

    private func pollingConnectors() async -> [any PollingConnector] {
        guard let all = try? await gateway.channels.channels() else { return [] }
        var polled: [any PollingConnector] = []
        for channel in all {
            guard let connector = try? await gateway.registry.connector(for: channel.id) as? any PollingConnector,
                  connector.pollsForUpdates
            else { continue }
            polled.append(connector)
        }
        return polled
    }

    /// One poll and its ingest. Returns 0 when it went through, 1 when the caller should pause.
    /// Tests drive this directly.
    @discardableResult
    public func pollOnce(_ connector: any PollingConnector) async -> Int {
        let channelID = connector.channel.id
        let logger = gateway.logger
        do {
            let cursor = try await gateway.channels.pollCursor(channelID)
            switch await connector.poll(after: cursor, wait: wait, transport: transport) {
            case .updates(let events, let next):
                if !events.isEmpty { _ = try await gateway.ingest(events, connector: connector) }
                if next != cursor { try await gateway.channels.savePollCursor(next, for: channelID, at: gateway.clock.now()) }
                return 0
            case .retryLater(let reason):
                logger.warning("poll failed, will retry", metadata: ["channel": "\(channelID)", "reason": "\(reason)"])
                return 1
            case .failed(let reason):
                logger.error("poll refused", metadata: ["channel": "\(channelID)", "reason": "\(reason)"])
                return 1
            }
        } catch {
            logger.error("polled updates not stored; they will be fetched again", metadata: ["channel": "\(channelID)", "error": "\(error)"])
            return 1
        }
    }
}
