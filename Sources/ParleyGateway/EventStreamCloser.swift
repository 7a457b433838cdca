import ServiceLifecycle

/// Ends every event stream when a graceful shutdown begins. Agent and visitor WebSockets live
/// as long as their stream, and the HTTP server waits for open connections before it stops,
/// so without this a single open workbench tab would hold SIGTERM off forever.
public struct EventStreamCloser: Service {
    let bus: EventBus

    public init(bus: EventBus) {
        self.bus = bus
    }

    public func run() async throws {
        // Returns when shutdown starts, or throws when the task is cancelled: both end the streams.
        try? await gracefulShutdown()
        bus.finishAll()
    }
}
