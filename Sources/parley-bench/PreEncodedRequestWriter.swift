import NIOCore
import NIOHTTP1

/// Lets already-serialised request bytes reach the socket while still using NIO's HTTP/1 response
/// decoder.
///
/// The decoder is "write observing": it keeps a queue of the request heads written through it so it can
/// tell, for example, that a response to HEAD has no body, and it rejects a response for which it saw no
/// request. So connections write a `.head` (for the decoder's queue) followed by `.body` carrying the
/// complete pre-encoded request. This handler sits between the decoder and the socket, drops the head and
/// passes the bytes through untouched, replacing NIO's `HTTPRequestEncoder`.
final class PreEncodedRequestWriter: ChannelOutboundHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = ByteBuffer

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch Self.unwrapOutboundIn(data) {
        case .head, .end:
            // Already inside the bytes carried by `.body`.
            promise?.succeed(())
        case .body(.byteBuffer(let bytes)):
            context.write(Self.wrapOutboundOut(bytes), promise: promise)
        case .body(.fileRegion):
            promise?.fail(ChannelError.operationUnsupported)
        }
    }
}
