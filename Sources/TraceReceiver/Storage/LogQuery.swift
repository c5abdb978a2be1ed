import Logging

/// A log search: every criterion given must match.
public struct LogQuery: Sendable, Equatable {
    public var requestID: String?
    public var traceID: String?
    public var service: String?
    public var source: RecordSource?
    /// Event names, any of which matches (`request_completed`, …).
    public var events: Set<String>?
    /// Minimum level (inclusive).
    public var minimumLevel: Logger.Level?
    /// Earliest timestamp, microseconds since the epoch (inclusive).
    public var since: Int64?
    /// Latest timestamp, microseconds since the epoch (inclusive).
    public var until: Int64?
    /// Words that must all appear in the message or error (case-insensitive, word prefixes).
    public var text: String?
    /// Conditions on the records' fields, all of which must hold.
    public var fieldConditions: [FieldCondition]
    /// Page size.
    public var limit: Int
    /// Continue after this position (from a previous page's ``LogPage/nextCursor``).
    public var cursor: LogCursor?
    /// Request ids, any of which matches (the request list's second step, which summarises the
    /// requests it found).
    var requestIDs: Set<String>?
    /// Trace ids, any of which matches (the request list's hops of requests known by their traces).
    var traceIDs: Set<String>?
    /// Whether the page must report ``LogPage/totalCount`` and ``LogPage/oldestTimestamp`` over every
    /// match. Counting a filter that no index narrows reads the whole table; callers that only want the
    /// page (the request list) turn it off, and then get the page's own count and no oldest timestamp.
    var countsAllMatches = true

    public init(
        requestID: String? = nil, traceID: String? = nil, service: String? = nil, source: RecordSource? = nil,
        events: Set<String>? = nil, minimumLevel: Logger.Level? = nil, since: Int64? = nil, until: Int64? = nil, text: String? = nil,
        fieldConditions: [FieldCondition] = [], limit: Int = 100, cursor: LogCursor? = nil
    ) {
        self.requestID = requestID
        self.traceID = traceID
        self.service = service
        self.source = source
        self.events = events
        self.minimumLevel = minimumLevel
        self.since = since
        self.until = until
        self.text = text
        self.fieldConditions = fieldConditions
        self.limit = limit
        self.cursor = cursor
    }

    /// The words of ``text``, lowercased, split on anything that is not a letter or digit.
    var words: [String] {
        guard let text else { return [] }
        return text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }
}

/// A position in newest-first order: the last record of a page.
public struct LogCursor: Sendable, Equatable, CustomStringConvertible {
    public var timestamp: Int64
    public var id: Int64

    public init(timestamp: Int64, id: Int64) {
        self.timestamp = timestamp
        self.id = id
    }

    /// Parses the text form produced by ``description``.
    public init?(_ text: String) {
        let parts = text.split(separator: "_")
        guard parts.count == 2, let timestamp = Int64(parts[0]), let id = Int64(parts[1]) else { return nil }
        self.init(timestamp: timestamp, id: id)
    }

    public var description: String { "\(timestamp)_\(id)" }

    /// Whether the record with `timestamp` and `id` comes after this position in newest-first order.
    func precedes(timestamp recordTimestamp: Int64, id recordID: Int64) -> Bool {
        recordTimestamp < timestamp || (recordTimestamp == timestamp && recordID < id)
    }
}

/// One page of search results.
public struct LogPage: Sendable {
    /// Newest first.
    public var records: [LogRecord]
    /// How many records match in all (ignoring the cursor and limit).
    public var totalCount: Int
    /// The oldest timestamp among all matching records.
    public var oldestTimestamp: Int64?
    /// Where the next page starts, when there is one.
    public var nextCursor: LogCursor?

    public init(records: [LogRecord], totalCount: Int, oldestTimestamp: Int64?, nextCursor: LogCursor?) {
        self.records = records
        self.totalCount = totalCount
        self.oldestTimestamp = oldestTimestamp
        self.nextCursor = nextCursor
    }
}
