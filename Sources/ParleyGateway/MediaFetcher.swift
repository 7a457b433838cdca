import Foundation
import Logging
import ParleyCore
import ParleyStore
import ServiceLifecycle

/// Fetches inbound media whose platform ids expire (WeChat: three days) and keeps the files,
/// so agents can open them next week. Jobs are rows queued with their message, so a restart
/// loses none; a temporary failure retries with backoff, an expired id is given up with the
/// reason logged and the message left pointing at the platform reference.
public final class MediaFetcher: Service {
    private let jobs: any MediaDownloadRepository
    private let registry: ConnectorRegistry
    private let transport: any HTTPTransport
    private let bus: EventBus
    private let clock: any WallClock
    private let retry: RetryPolicy
    private let logger: Logger
    private let wakeSignal = WakeSignal()
    private let idleSleep: Duration = .seconds(5)

    public init(
        jobs: any MediaDownloadRepository, registry: ConnectorRegistry, transport: any HTTPTransport, bus: EventBus,
        clock: any WallClock, retry: RetryPolicy, logger: Logger
    ) {
        self.jobs = jobs
        self.registry = registry
        self.transport = transport
        self.bus = bus
        self.clock = clock
        self.retry = retry
        self.logger = logger
    }

    public func wake() {
        Task { await wakeSignal.signal() }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await self.fetchDue() > 0 { continue }
                await self.wakeSignal.wait(timeout: self.idleSleep)
            }
        }
    }

    /// One pass over the due jobs; returns how many it handled. Tests drive this directly.
    @discardableResult
    public func fetchDue() async -> Int {
        let due: [MediaDownloadJob]
        do {
            due = try await jobs.dueMediaDownloads(now: clock.now(), limit: 16)
        } catch {
            logger.error("media download queue unreadable", metadata: ["error": "\(error)"])
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for job in due { group.addTask { await self.fetch(job) } }
        }
        return due.count
    }

    private func fetch(_ job: MediaDownloadJob) async {
        let outcome: MediaDownload
        if let connector = try? await registry.connector(for: job.channelID) as? any MediaDownloadingConnector {
            outcome = await connector.download(job.media, transport: transport)
        } else {
            outcome = .retryLater(reason: "channel \(job.channelID) cannot download media right now")
        }
        do {
            switch outcome {
            case .file(let bytes, let mimeType):
                let message = try await jobs.completeMediaDownload(job, bytes: bytes, mimeType: mimeType, at: clock.now())
                bus.publish([.messageUpdated(message)])
            case .retryLater(let reason):
                if let delay = retry.delay(afterAttempts: job.attempts + 1, retryAfter: nil) {
                    try await jobs.retryMediaDownload(job, at: clock.now().addingTimeInterval(delay), error: reason)
                } else {
                    logger.warning("media download given up", metadata: ["message": "\(job.messageID)", "error": "\(reason)"])
                    try await jobs.abandonMediaDownload(job, error: reason, at: clock.now())
                }
            case .failed(let reason):
                logger.warning("media cannot be downloaded", metadata: ["message": "\(job.messageID)", "error": "\(reason)"])
                try await jobs.abandonMediaDownload(job, error: reason, at: clock.now())
            }
        } catch {
            logger.error("media download not recorded", metadata: ["message": "\(job.messageID)", "error": "\(error)"])
        }
    }
}
