/// Why a ``LogShipper`` could not start or ship.
public enum ShipperError: Error, Equatable, CustomStringConvertible {
    /// The spool folder could not be created, locked, written or read.
    case spool(String)

    public var description: String {
        switch self {
        case .spool(let reason): "log shipper spool: \(reason)"
        }
    }
}
