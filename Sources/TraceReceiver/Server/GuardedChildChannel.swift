import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// The receiver's server channel: Hummingbird's HTTP/1 with WebSocket upgrade, each connection guarded
/// by a ``FirstRequestGuard`` (and its ``FirstResponseWatcher``) until its first request is dealt with.
struct GuardedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    let base: Base
    /// Longest a new connection may take to send its first request head.
    let firstRequestTimeout: TimeAmount
    /// Told each time the guard closes a connection.
    let closed: @Sendable (FirstRequestGuard.Reason) -> Void

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Base.Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { [firstRequestTimeout, closed] value in
            let firstRequest = FirstRequestGuard(timeout: firstRequestTimeout, closed: closed)
            try channel.pipeline.syncOperations.addHandler(firstRequest)
            try channel.pipeline.syncOperations.addHandler(FirstResponseWatcher(guarding: firstRequest), position: .first)
            return value
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with WebSocket upgrade (as `http1WebSocketUpgrade(webSocketRouter:configuration:)`), each
    /// connection guarded until its first request head: see ``FirstRequestGuard``.
    static func guardedHTTP1WebSocketUpgrade<WSResponderBuilder: HTTPResponderBuilder>(
        webSocketRouter: WSResponderBuilder,
        configuration: HTTP1WebSocketUpgradeChannel.Configuration,
        firstRequestTimeout: Duration,
        closed: @escaping @Sendable (FirstRequestGuard.Reason) -> Void
    ) -> HTTPServerBuilder where WSResponderBuilder.Responder.Context: WebSocketRequestContext {
        let webSocketResponder = webSocketRouter.buildResponder()
        let timeout = TimeAmount.microseconds(Int64(firstRequestTimeout.microseconds))
        return HTTPServerBuilder { responder in
            GuardedChildChannel(
                base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: configuration),
                firstRequestTimeout: timeout,
                closed: closed
            )
        }
    }
}
