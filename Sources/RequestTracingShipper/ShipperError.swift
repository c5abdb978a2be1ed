/// Why a ``LogShipper`` could not start or ship.
public enum ShipperError: Error, Equatable, CustomStringConvertible {
    /// The spool folder could not be created, locked, written or read.
    case spool(String)
    /// The receiver URL (``LogShipper/Configuration/receiverURL``, usually `TRACE_RECEIVER_URL`) is not
    /// a receiver's address.
    case invalidReceiverURL(String)
    /// Connecting to the receiver did not complete within ``LogShipper/Configuration/handshakeTimeout``.
    case handshakeTimedOut(Duration)

    public var description: String {
        switch self {
        case .spool(let reason): "log shipper spool: \(reason)"
        case .invalidReceiverURL(let url):
            "log shipper: the receiver URL (TRACE_RECEIVER_URL) must be like http://127.0.0.1:7890 "
                + "(http, https, ws or wss; a host, an optional port; no user, query or fragment), not '\(url)'"
        case .handshakeTimedOut(let limit): "log shipper: connecting to the receiver took longer than \(limit)"
        }
    }
}
