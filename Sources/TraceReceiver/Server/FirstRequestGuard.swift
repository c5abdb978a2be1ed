import NIOCore
import NIOHTTP1

/// Guards a connection until its first request head has been read, the part of a connection's life
/// that Hummingbird's HTTP/1 + WebSocket-upgrade pipeline leaves unwatched: there, a request the HTTP
/// parser rejects (a bare CR in a header, say) is never answered and its connection never closed, and
/// a client that sends nothing holds its connection forever.
///
/// Added last in the pipeline while the upgrade handler waits for the first head, it answers a parser
/// error with `400 Bad Request` and closes, and closes a connection whose first head has not arrived
/// within `timeout`. It stands down (cancels the deadline and leaves the pipeline) once the first head
/// is dealt with: when a read reaches it (the upgrade handler passes data on only once it has decided
/// not to upgrade) or when the server first writes (a WebSocket upgrade's `101`, seen by the
/// ``FirstResponseWatcher`` at the socket end of the pipeline). Later requests, idle streams and long
/// responses (`/api/live`) never meet it.
final class FirstRequestGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    /// Why the guard closed a connection (counted in `/metrics`).
    enum Reason: Sendable {
        case malformedRequest, noRequest
    }

    private let timeout: TimeAmount
    private let closed: @Sendable (Reason) -> Void
    private var deadline: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(timeout: TimeAmount, closed: @escaping @Sendable (Reason) -> Void) {
        self.timeout = timeout
        self.closed = closed
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { [closed] in
            closed(.noRequest)
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        standDown()
    }

    /// The first head has been dealt with: cancels the deadline and leaves the pipeline (once).
    func standDown() {
        guard let context else { return }
        self.context = nil
        deadline?.cancel()
        deadline = nil
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
        // Closed through the channel: writing the answer makes this guard stand down and leave the pipeline.
        let channel = context.channel
        guard let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
            channel.close(promise: nil)
            return
        }
        encoder.writeAndFlush(NIOAny(channel.allocator.buffer(string: response))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}

/// Tells a ``FirstRequestGuard`` when the server first writes to the connection, which is the end of the
/// first request's head phase for a WebSocket upgrade (no read reaches the guard until the client sends
/// a frame, which an idle shipper may not do for a long time). Sits at the socket end of the pipeline,
/// where every outbound byte passes, and leaves after passing on the flush of its first write (leaving
/// between a write and its flush would strand the flush).
final class FirstResponseWatcher: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = NIOAny

    private let guardHandler: FirstRequestGuard
    private var wrote = false

    init(guarding guardHandler: FirstRequestGuard) {
        self.guardHandler = guardHandler
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        if !wrote {
            wrote = true
            guardHandler.standDown()
        }
    }

    func flush(context: ChannelHandlerContext) {
        context.flush()
        if wrote { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
    }
}
