/// Where the receiver keeps records. Implementations: ``SQLiteLogStore`` (durable, the default) and
/// ``MemoryLogStore`` (the bounded hot buffer, also usable alone).
public protocol LogStore: Sendable {
    /// Stores `records` (each stored copy gets a store-assigned ``LogRecord/id``) and returns once they
    /// are committed: a record acknowledged to a sender after this returns survives a restart of the
    /// receiver (for durable stores). The array is consumed, so a store may move the records into
    /// its own storage instead of copying them.
    func append(_ records: consuming [LogRecord]) async throws

    /// Records matching `query`, newest first, one page at a time.
    func search(_ query: LogQuery) async throws -> LogPage

    /// Records matching `query` (its cursor aside) in the order they were stored, at most `query.limit`:
    /// those stored after `position` (from an earlier answer), or without one the last ones stored. A
    /// record that arrives late, with an old timestamp, is still among the arrivals; a search by time
    /// would pass it by.
    func arrivals(matching query: LogQuery, after position: Int64?) async throws -> LogArrivals

    /// Records whose request id or trace id is one of `ids`, oldest first: at most `limit` of them, chosen
    /// by `selection` when there are more.
    func records(correlatedWith ids: Set<String>, selection: CorrelatedSelection, limit: Int) async throws -> [LogRecord]

    /// Frontend records that carry neither a request id nor a trace id, with timestamps in `range`
    /// (microseconds), oldest first: candidates for matching by method and path.
    func uncorrelatedFrontendRecords(in range: ClosedRange<Int64>, limit: Int) async throws -> [LogRecord]

    /// The dedup keys of the most recently stored records (newest first), so a restarted receiver still
    /// recognises a resend of what it stored before.
    func recentDedupKeys(limit: Int) async throws -> [UInt64]

    /// Drops what retention no longer allows; returns how many records were removed.
    func enforceRetention(now: Int64) async throws -> Int

    /// Counts and sizes for `/health` and `/metrics`.
    func statistics() async throws -> StoreStatistics

    /// Flushes and releases resources. The store is unusable afterwards.
    func close() async throws
}

/// Counts and sizes reported by a store.
public struct StoreStatistics: Sendable, Equatable {
    /// Records currently held.
    public var records: Int
    /// Bytes used (the database file for SQLite, the approximate record footprint for memory).
    public var bytes: Int
    /// Records removed so far by expiry, caps or retention.
    public var evicted: Int

    public init(records: Int, bytes: Int, evicted: Int) {
        self.records = records
        self.bytes = bytes
        self.evicted = evicted
    }
}
