import Logging

/// One stored log record: the DESIGN.md record shape, decoded.
///
/// Strings hold the decoded (unescaped) text; ``fields`` holds the record's extra fields as the compact
/// text of a JSON object, exactly as received (minus insignificant whitespace), so unknown fields survive
/// a round trip unchanged.
public struct LogRecord: Sendable, Hashable {
    /// Store-assigned sequence number; increases with arrival order. `0` until stored.
    public var id: Int64
    /// Microseconds since the Unix epoch (UTC).
    public var timestamp: Int64
    public var level: Logger.Level
    public var service: String
    public var source: RecordSource
    public var event: String?
    public var message: String
    public var requestID: String?
    public var traceID: String?
    public var spanID: String?
    public var parentSpanID: String?
    public var durationMS: Double?
    public var error: String?
    public var errorType: String?
    public var stack: String?
    /// Compact JSON object text (`{"method":"GET",…}`), or `nil` when the record has no extra fields.
    public var fields: String?
    /// The sending process's instance id, used with ``sequence`` for exact deduplication.
    public var instance: String?
    /// The sending process's sequence number for this record.
    public var sequence: UInt64?
    /// Set on frontend records that were matched to a request by time and path rather than by id.
    public var inferred: Bool
    /// Identity used to recognise the same record sent twice (see ``DedupKeys``); assigned at ingest.
    var dedupKey: UInt64 = 0
    /// Set at ingest on a record whose own timestamp was too far ahead and was replaced by its arrival
    /// time (its own time is kept in ``fields`` as `sent_timestamp`). Its content fingerprint then leaves
    /// the arrival time out, so the same record sent again is still recognised.
    var stampedAtArrival = false

    /// Creates a record; only the message is required.
    public init(
        id: Int64 = 0,
        timestamp: Int64,
        level: Logger.Level = .info,
        service: String,
        source: RecordSource = .backend,
        event: String? = nil,
        message: String,
        requestID: String? = nil,
        traceID: String? = nil,
        spanID: String? = nil,
        parentSpanID: String? = nil,
        durationMS: Double? = nil,
        error: String? = nil,
        errorType: String? = nil,
        stack: String? = nil,
        fields: String? = nil,
        instance: String? = nil,
        sequence: UInt64? = nil,
        inferred: Bool = false
    ) {
        self.id = id
        self.timestamp = timestamp
        self.level = level
        self.service = service
        self.source = source
        self.event = event
        self.message = message
        self.requestID = requestID
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.durationMS = durationMS
        self.error = error
        self.errorType = errorType
        self.stack = stack
        self.fields = fields
        self.instance = instance
        self.sequence = sequence
        self.inferred = inferred
    }

    /// What is left where a record was moved out (``MemoryLogStore/append(_:)`` moving records into
    /// its buffer, ``RecordBuilder`` handing its record over): no string storage, so it costs nothing
    /// to make or free.
    static let vacated = LogRecord(timestamp: 0, service: "", message: "")

    /// Approximate bytes this record takes beyond its place in the hot buffer's storage (which the buffer
    /// counts itself): out-of-line string storage with allocator rounding, and its entries in the
    /// request-id and trace-id indexes. Used for the byte cap; calibrated against resident memory with
    /// `Benchmarks/receiver.sh` (BenchReceiver memory).
    var approximateSize: Int {
        var size = 0
        if requestID != nil { size += Self.indexEntrySize }
        if traceID != nil { size += Self.indexEntrySize }
        size += Self.heapSize(service) + Self.heapSize(message) + Self.heapSize(event) + Self.heapSize(requestID)
        size += Self.heapSize(traceID) + Self.heapSize(spanID) + Self.heapSize(parentSpanID) + Self.heapSize(error)
        size += Self.heapSize(errorType) + Self.heapSize(stack) + Self.heapSize(fields) + Self.heapSize(instance)
        return size
    }

    /// Strings of up to 15 UTF-8 bytes live inline; longer ones take a heap allocation with a header.
    private static func heapSize(_ string: String?) -> Int {
        guard let count = string?.utf8.count, count > 15 else { return 0 }
        return 48 + (count + 15) & ~15
    }

    /// An id's slot in an index dictionary plus its share of the id array.
    private static let indexEntrySize = 48
}

extension Logger.Level {
    /// Rank used for "minimum level" filters and storage: trace 0 … critical 6.
    var rank: Int {
        switch self {
        case .trace: 0
        case .debug: 1
        case .info: 2
        case .notice: 3
        case .warning: 4
        case .error: 5
        case .critical: 6
        }
    }

    init?(rank: Int) {
        switch rank {
        case 0: self = .trace
        case 1: self = .debug
        case 2: self = .info
        case 3: self = .notice
        case 4: self = .warning
        case 5: self = .error
        case 6: self = .critical
        default: return nil
        }
    }
}
