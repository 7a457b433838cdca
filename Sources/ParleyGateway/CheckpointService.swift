import Logging
import ParleyStore
import ServiceLifecycle

/// Runs `WALCheckpointer` a few times a second for as long as the gateway runs.
public struct CheckpointService: Service {
    let checkpointer: WALCheckpointer
    let interval: Duration
    let logger: Logger

    public init(checkpointer: WALCheckpointer, interval: Duration = .milliseconds(250), logger: Logger) {
        self.checkpointer = checkpointer
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await checkpointer.checkpoint()
                } catch {
                    logger.warning("WAL checkpoint failed; the writer's own checkpoint still bounds the log", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
