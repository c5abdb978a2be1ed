/// Records in the order the store received them, for following a search as records arrive
/// (``LogStore/arrivals(matching:after:)``), and where to continue.
public struct LogArrivals: Sendable {
    /// Oldest stored first.
    public var records: [LogRecord]
    /// Pass it as the next call's `after` to get only what is stored later. It is past every record
    /// already looked at, matching or not, so a quiet filter costs nothing on the next call.
    public var position: Int64
    /// Records stored after the `after` position that had already left the store (evicted by its size
    /// cap, expired, or removed by retention) when this answer was read: a follower too slow for the
    /// stream missed them. Whether they matched the filters is not known.
    public var missed: Int

    public init(records: [LogRecord], position: Int64, missed: Int = 0) {
        self.records = records
        self.position = position
        self.missed = missed
    }
}
