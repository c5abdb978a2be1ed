import NIOCore
import NIOHTTP1

/// Guards a connection until its first request head has been read, the part of a connection's life
/// that Hummingbird's HTTP/1 + WebSocket-upgrade pipeline leaves unwatched: there, a request the HTTP
/// parser rejects (a bare CR in a header, say) is never answered and its connection never closed, and
/// a client that sends nothing holds its connection forever.
///
/// Added last in the pipeline while the upgrade handler waits for the first head, it answers a parser
/// error with `400 Bad Request` and closes, and closes a connection whose first head has not arrived
/// within `timeout`. The first read that reaches it means the head was accepted (the upgrade handler
/// passes data on only once it has decided), so it then removes itself: later requests, WebSocket
/// frames and long responses (`/api/live`) never meet it.
final class FirstRequestGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    /// Why the guard closed a connection (counted in `/metrics`).
    enum Reason: Sendable {
        case malformedRequest, noRequest
    }

    private let timeout: TimeAmount
    private let closed: @Sendable (Reason) -> Void
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, closed: @escaping @Sendable (Reason) -> Void) {
        self.timeout = timeout
        self.closed = closed
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: timeout) { [closed] in
            closed(.noRequest)
            loopBound.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        deadline?.cancel()
        closed(.malformedRequest)
        // Written beneath the response encoder, which takes typed response parts, not bytes.
        let response = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
            context.close(promise: nil)
            return
        }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        encoder.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: response))).whenComplete { _ in
            loopBound.value.close(promise: nil)
        }
    }
}
