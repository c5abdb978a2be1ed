extension FileTailer {
    /// Settings of a ``FileTailer``; every one has a documented default.
    public struct Configuration: Sendable {
        /// Default ``pollInterval``: 100 ms.
        public static let defaultPollInterval = Duration.milliseconds(100)
        /// Default ``maximumLineLength``: 1 MiB.
        public static let defaultMaximumLineLength = 1 << 20
        /// Default ``readChunkSize``: 64 KiB.
        public static let defaultReadChunkSize = 64 * 1024
        /// Default ``bufferedLineLimit``: 1,024 lines.
        public static let defaultBufferedLineLimit = 1024
        /// Default ``fingerprintLength``: 1 KiB.
        public static let defaultFingerprintLength = 1024

        /// How long to wait at the end of the file before looking again for appends, rotation and
        /// truncation. Lower means lower latency and more wake-ups.
        public var pollInterval: Duration = Self.defaultPollInterval
        /// Longest line kept whole, in bytes; longer lines are cut to this length and flagged
        /// ``TailedLine/isTruncated``.
        public var maximumLineLength: Int = Self.defaultMaximumLineLength
        /// Bytes read per system call.
        public var readChunkSize: Int = Self.defaultReadChunkSize
        /// Lines read ahead of the consumer at most; reading pauses while this many wait.
        public var bufferedLineLimit: Int = Self.defaultBufferedLineLimit
        /// How many leading bytes of the file identify it in a ``TailCheckpoint`` and reveal a
        /// truncated-and-rewritten file.
        public var fingerprintLength: Int = Self.defaultFingerprintLength
        /// Where to start in a file there is no checkpoint for. Default: ``TailStartPosition/end``.
        public var startPosition: TailStartPosition = .end
        /// Directory for checkpoints (see ``TailCheckpointStore``); `nil` (the default) keeps none,
        /// so every start uses ``startPosition``.
        public var stateDirectory: String?
        /// Told where the follower stands after its first look at the path: the offset it starts at in
        /// the file it opened, or `nil` when nothing was there (a file appearing later is read from its
        /// beginning). Tests wait for it rather than sleeping and hoping the thread has looked.
        var onFirstLook: (@Sendable (_ startOffset: UInt64?) -> Void)?

        /// Creates the default configuration.
        public init() {}

        /// Creates a configuration; unspecified values take their defaults.
        public init(
            startPosition: TailStartPosition = .end,
            stateDirectory: String? = nil,
            pollInterval: Duration = Self.defaultPollInterval,
            maximumLineLength: Int = Self.defaultMaximumLineLength
        ) {
            self.startPosition = startPosition
            self.stateDirectory = stateDirectory
            self.pollInterval = pollInterval
            self.maximumLineLength = maximumLineLength
        }

        func validate() throws {
            if pollInterval <= .zero { throw TailError.invalidConfiguration("pollInterval must be positive") }
            if maximumLineLength < 1 { throw TailError.invalidConfiguration("maximumLineLength must be at least 1") }
            if readChunkSize < 1 { throw TailError.invalidConfiguration("readChunkSize must be at least 1") }
            if bufferedLineLimit < 1 { throw TailError.invalidConfiguration("bufferedLineLimit must be at least 1") }
            if fingerprintLength < 0 { throw TailError.invalidConfiguration("fingerprintLength must not be negative") }
        }
    }
}
