import Logging

/// Which of the records sharing a request id or trace id ``LogStore/records(correlatedWith:selection:limit:)``
/// returns, when there may be more of them than a timeline can hold.
public enum CorrelatedSelection: Sendable {
    /// The oldest ones.
    case oldest
    /// The newest ones.
    case newest
    /// Those that give the trace its shape: each at warning level or above, and each that closes a span
    /// (an event ending in `_completed` or `_failed`), oldest first.
    case landmarks
}

extension LogRecord {
    /// Whether the record is one of a trace's ``CorrelatedSelection/landmarks``.
    var isLandmark: Bool {
        level.rank >= Logger.Level.warning.rank
            || event.map { $0.hasSuffix("_completed") || $0.hasSuffix("_failed") } == true
    }
}
