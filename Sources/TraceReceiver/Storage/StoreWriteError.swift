/// Records could not be written to the store, and none of the batch was stored: the disk holding it
/// is full, or writing failed otherwise (an I/O error, a file made read-only).
public struct StoreWriteError: Error, Sendable, CustomStringConvertible {
    /// Why the write failed.
    public enum Reason: Sendable, Equatable {
        /// The disk (or the quota) holding the store is full.
        case full
        /// Any other failure to write.
        case failed
    }

    public let reason: Reason
    /// The store's file.
    public let path: String
    /// The underlying error, in the storage engine's words.
    public let detail: String

    /// How long a sender should wait before sending again: 30 s for a full disk (space is freed by
    /// someone, or by retention), 5 s for another failure.
    public var retryAfterSeconds: Int {
        reason == .full ? 30 : 5
    }

    public var description: String {
        switch reason {
        case .full: "the disk holding the store \(path) is full"
        case .failed: "cannot write to the store \(path): \(detail)"
        }
    }
}
