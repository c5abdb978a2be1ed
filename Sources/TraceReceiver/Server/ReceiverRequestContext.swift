import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The receiver's request context: knows the socket peer (for per-client limits) and can upgrade to
/// a WebSocket.
struct ReceiverRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
    }
}
