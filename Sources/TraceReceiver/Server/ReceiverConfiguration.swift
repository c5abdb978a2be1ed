/// Everything that can be tuned about a receiver. The defaults are the documented ones.
public struct ReceiverConfiguration: Sendable {
    /// Which store keeps the records.
    public enum Store: Sendable, Equatable {
        /// SQLite database in this directory (created if missing).
        case sqlite(directory: String)
        /// The in-memory hot buffer only (lost on exit).
        case memory
    }

    /// Address to bind. Loopback by default; binding elsewhere requires ``ingestToken``.
    public var host = "127.0.0.1"
    /// Port to bind; 0 picks a free one.
    public var port = 7890
    public var store = Store.sqlite(directory: ".trace-receiver")
    /// SQLite retention by record age.
    public var retentionAge = Duration.seconds(7 * 86_400)
    /// SQLite retention by database size, in bytes.
    public var retentionBytes = 1 << 30
    /// For tests: the most pages the SQLite database may have (`PRAGMA max_page_count`), past which a
    /// write fails as it does on a full disk (`SQLITE_FULL`).
    var sqliteMaximumPages: Int?
    /// Most records in one trace's timeline (see ``TraceAssembler/limit``); smaller in tests, so a trace
    /// past it takes hundreds of records rather than ten thousand.
    var traceTimelineLimit = TraceAssembler.defaultLimit
    /// Hot buffer expiry (by arrival).
    public var memoryMaximumAge = Duration.seconds(3600)
    /// Hot buffer byte cap.
    public var memoryMaximumBytes = 256 * 1024 * 1024
    /// Sustained records per second accepted from one service (the burst is twice this).
    public var serviceRecordsPerSecond = 10_000.0
    /// Largest `POST /api/logs` body and WebSocket message, in bytes.
    public var maximumBodyBytes = 16 * 1024 * 1024
    /// Largest single record, in bytes.
    public var maximumRecordBytes = 64 * 1024
    /// How far ahead of the receiver's clock a record's timestamp is taken as given. A record stamped
    /// later (its sender's clock is ahead) is stored at its arrival, with its own time kept as the
    /// `sent_timestamp` field, so it cannot head every newest-first list or outlive retention.
    public var maximumClockSkew = Duration.seconds(600)
    /// Largest `POST /api/frontend-log` body, in bytes.
    public var frontendMaximumBytes = 64 * 1024
    /// Browser reports accepted per minute from one client address.
    public var frontendReportsPerMinute = 30.0
    /// Origins allowed to post browser reports; `*` in the port position matches any port.
    public var allowedOrigins = ["http://localhost:*", "http://127.0.0.1:*"]
    /// Proxies whose `X-Forwarded-For` is believed (exact peer addresses).
    public var trustedProxies: [String] = []
    /// When set, `POST /api/logs` and `/api/stream` require `Authorization: Bearer <token>`.
    public var ingestToken: String?
    /// How long a record is remembered for deduplication.
    public var dedupWindow = Duration.seconds(600)
    /// Most records remembered for deduplication.
    public var dedupCapacity = 1_000_000
    /// How far apart in time a frontend record and a backend request may be to be matched by path.
    public var inferenceWindow = Duration.seconds(5)
    /// How often retention runs.
    public var retentionInterval = Duration.seconds(60)
    /// Most `GET /api/live` event streams (web page viewers) open at once; more are refused with 503.
    public var maximumLiveViewers = 64
    /// How often an idle `GET /api/live` stream sends a keep-alive comment (which also notices a
    /// viewer that went away).
    public var liveKeepAliveInterval = Duration.seconds(15)
    /// Longest a new connection may take to send its first request head before it is closed (a
    /// connection that never sends one would otherwise be held forever).
    public var firstRequestTimeout = Duration.seconds(30)

    public init() {}

    /// Whether ``host`` is a loopback address.
    public var isLoopback: Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }
}
