import Foundation

/// The durable store could not be opened: where, and why, in words a person can act on (rather than
/// a Foundation error domain or a bare SQLite result code).
public struct StoreOpenError: Error, Sendable, CustomStringConvertible {
    /// The directory or database file that could not be used.
    public let path: String
    /// What went wrong, and what to do about it when there is something to do.
    public let reason: String

    public var description: String { "cannot open the store \(path): \(reason)" }

    init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// Creating the store's directory failed with `error`.
    init(directory: String, creating error: any Error) {
        let underlying = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
        let reason =
            if let underlying, underlying.domain == NSPOSIXErrorDomain {
                String(cString: strerror(Int32(underlying.code)))
            } else {
                (error as NSError).localizedDescription
            }
        self.init(path: directory, reason: "cannot create the directory (\(reason))")
    }
}
