import Hummingbird
import ParleyGateway
import Prometheus

/// Liveness, readiness and Prometheus metrics.
struct HealthRoutes {
    let gateway: Gateway
    let registry: PrometheusCollectorRegistry

    func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/ready") { _, _ in
            // Ready once the store answers: the migrations ran before the server started.
            _ = try await gateway.agents.agentCount()
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ready"}"#)))
        }
        router.get("/metrics") { _, context in
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            // The counters above still go out when the store cannot count the figures.
            do {
                buffer += Array(FigureMetrics.render(try await gateway.currentFigures()).utf8)
            } catch {
                context.logger.error("supervisor figures not counted for /metrics", metadata: ["error": "\(error)"])
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }
}
