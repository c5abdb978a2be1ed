/// Something an ``SSHTailer`` reports besides lines, for the caller to print or log.
public enum SSHTailerEvent: Sendable, Hashable {
    /// An `ssh` process started (its process id, and which attempt in a row this is, from 1).
    case started(processID: Int32, attempt: Int)
    /// The remote `tail` is running and lines follow from this byte offset of the remote file.
    case connected(processID: Int32, offset: UInt64)
    /// A line that ssh or the remote command wrote to standard error. Each distinct message is
    /// reported once per tailer, not once per retry.
    case diagnostic(String)
    /// The `ssh` process ended (`exitStatus` is its status, or the signal that killed it when
    /// `wasSignalled`); the tailer connects again after `retryDelay`.
    case disconnected(exitStatus: Int32, wasSignalled: Bool, retryDelay: Duration)
}
