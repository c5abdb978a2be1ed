/// Records in the order the store received them, for following a search as records arrive
/// (``LogStore/arrivals(matching:after:)``), and where to continue.
public struct LogArrivals: Sendable {
    /// Oldest stored first.
    public var records: [LogRecord]
    /// Pass it as the next call's `after` to get only what is stored later. It is past every record
    /// already looked at, matching or not, so a quiet filter costs nothing on the next call.
    public var position: Int64

    public init(records: [LogRecord], position: Int64) {
        self.records = records
        self.position = position
    }
}
