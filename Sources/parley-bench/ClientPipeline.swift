import NIOCore
import NIOHTTP1
import NIOPosix

/// Builds a client channel for `sink`: socket ← PreEncodedRequestWriter ← HTTP response decoder ←
/// HTTPExchangeHandler.
enum ClientPipeline {
    static func connect(
        on loop: any EventLoop,
        to address: SocketAddress,
        sink: NIOLoopBound<any ExchangeSink>
    ) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: loop)
            .connectTimeout(.seconds(5))
            // Requests go out in one write+flush already, but without NODELAY a request that follows a
            // delayed ACK can sit for up to 40 ms and wreck the latency figures.
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                // The initializer runs on `channel.eventLoop`, which is `loop`, so unwrapping the
                // loop-bound sink is legal here.
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(PreEncodedRequestWriter())
                    try sync.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                    try sync.addHandler(HTTPExchangeHandler(sink: sink.value))
                }
            }
            .connect(to: address)
    }
}
