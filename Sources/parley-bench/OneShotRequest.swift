import NIOCore
import NIOHTTP1

/// A complete response to a setup request.
struct FetchedResponse: Sendable {
    let status: HTTPResponseStatus
    let body: ByteBuffer

    var text: String { String(buffer: body) }
}

/// One request on a fresh connection, used before the load starts (probing the server, reading /demo).
/// Reuses the benchmark's own pipeline so setup exercises the same code as the load.
final class OneShotRequest: ExchangeSink {
    private let head: HTTPRequestHead
    private let bytes: ByteBuffer
    private let promise: EventLoopPromise<FetchedResponse>
    private var exchange: HTTPExchangeHandler?

    private init(head: HTTPRequestHead, bytes: ByteBuffer, promise: EventLoopPromise<FetchedResponse>) {
        self.head = head
        self.bytes = bytes
        self.promise = promise
    }

    /// Must be called on `loop` (e.g. from `loop.flatSubmit`). Gives up after 10 s.
    static func fetch(
        on loop: any EventLoop, address: SocketAddress, head: HTTPRequestHead, bytes: ByteBuffer
    ) -> EventLoopFuture<FetchedResponse> {
        let promise = loop.makePromise(of: FetchedResponse.self)
        let request = OneShotRequest(head: head, bytes: bytes, promise: promise)
        let timeout = loop.assumeIsolated().scheduleTask(in: .seconds(10)) {
            request.complete(.failure(BenchError.setup("no response from \(address) within 10 s")))
        }
        let sink = NIOLoopBound<any ExchangeSink>(request, eventLoop: loop)
        ClientPipeline.connect(on: loop, to: address, sink: sink).assumeIsolated().whenFailure { error in
            request.complete(.failure(error))
        }
        return promise.futureResult.assumeIsolated().always { _ in timeout.cancel() }.nonisolated()
    }

    private var done = false

    private func complete(_ result: Result<FetchedResponse, any Error>) {
        guard !done else { return }
        done = true
        exchange?.close()
        promise.completeWith(result)
    }

    func connectionEstablished(_ exchange: HTTPExchangeHandler) {
        self.exchange = exchange
        exchange.send(head: head, bytes: bytes)
    }

    func wantsBody(status: HTTPResponseStatus) -> Bool { true }

    func responseCompleted(status: HTTPResponseStatus, keepAlive: Bool, body: ByteBuffer?) {
        complete(.success(FetchedResponse(status: status, body: body ?? ByteBuffer())))
    }

    func connectionClosed(_ exchange: HTTPExchangeHandler, error: (any Error)?) {
        self.exchange = nil
        complete(.failure(error ?? BenchError.setup("server closed the connection without answering")))
    }
}
