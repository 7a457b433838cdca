import NIOCore
import NIOHTTP1

/// Whoever drives a connection: a load connection, or a one-off setup request. Every call arrives on the
/// channel's event loop, which is why implementations can be plain non-Sendable classes.
protocol ExchangeSink: AnyObject {
    /// The TCP connection is up; requests may be sent through `exchange`.
    func connectionEstablished(_ exchange: HTTPExchangeHandler)
    /// Asked once per response head: should the body be kept? Answering `false` on the success path
    /// keeps the hot loop from copying bodies nobody reads.
    func wantsBody(status: HTTPResponseStatus) -> Bool
    func responseCompleted(status: HTTPResponseStatus, keepAlive: Bool, body: ByteBuffer?)
    /// The connection is gone. `error` is what caused it, when known (e.g. a malformed response).
    func connectionClosed(_ exchange: HTTPExchangeHandler, error: (any Error)?)
}

/// Last handler in the pipeline: turns decoded response parts into one callback per response, and is the
/// place requests are written from (writing through this handler's context, rather than `Channel.write`,
/// skips the pipeline's tail and its event-loop check on every request).
final class HTTPExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    /// Bodies are only kept for setup calls (the /demo page, session tokens) and error samples; the cap
    /// bounds memory if a server misbehaves.
    static let maxCollectedBody = 4 << 20

    private let sink: any ExchangeSink
    private var context: ChannelHandlerContext?
    private var status: HTTPResponseStatus = .ok
    private var keepAlive = true
    private var collecting = false
    private var body: ByteBuffer?
    private var lastError: (any Error)?

    init(sink: any ExchangeSink) {
        self.sink = sink
    }

    /// Sends one request: the head is only for the response decoder's bookkeeping, `bytes` is the whole
    /// serialised request (see `PreEncodedRequestWriter`).
    func send(head: HTTPRequestHead, bytes: ByteBuffer) {
        guard let context else { return }
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(Self.wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
    }

    func close() {
        context?.close(promise: nil)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // Added by the channel initializer, normally before the connection is active; if it already is,
        // `channelActive` will not come, so announce here.
        if context.channel.isActive {
            sink.connectionEstablished(self)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        sink.connectionEstablished(self)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            keepAlive = head.isKeepAlive
            collecting = sink.wantsBody(status: head.status)
            body = nil
        case .body(var chunk):
            guard collecting else { return }
            if body == nil {
                body = chunk
            } else if body!.readableBytes < Self.maxCollectedBody {
                body!.writeBuffer(&chunk)
            }
        case .end:
            let completedBody = body
            body = nil
            sink.responseCompleted(status: status, keepAlive: keepAlive, body: completedBody)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        sink.connectionClosed(self, error: lastError)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A decoder error leaves the byte stream in an unknown state, so the connection cannot be reused;
        // the sink learns about it (with the cause) through `channelInactive`.
        lastError = error
        context.close(promise: nil)
    }
}
