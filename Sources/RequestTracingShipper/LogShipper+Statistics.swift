extension LogShipper {
    /// What a ``LogShipper`` has done since it was made.
    public struct Statistics: Sendable, Equatable {
        /// Records waiting in memory to be spooled.
        public var queuedRecords: Int
        /// Batches written to the spool and not yet acknowledged.
        public var spooledBatches: Int
        /// Records in those batches.
        public var spooledRecords: Int
        /// Records the receiver acknowledged as stored (new or already there).
        public var acknowledgedRecords: Int
        /// Of those, records the receiver already had (replays).
        public var duplicateRecords: Int
        /// Records the receiver refused (malformed, too large); they are not resent.
        public var rejectedRecords: Int
        /// Records dropped because the in-memory queue was full.
        public var droppedFromQueue: Int
        /// Records dropped because the spool was full (oldest batches first).
        public var droppedFromSpool: Int
        /// Whether the stream to the receiver is open.
        public var isConnected: Bool
    }
}
