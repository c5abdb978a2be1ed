import Logging
import RequestTracing

/// One HTTP request as the request list (`GET /api/requests`, the web page) and the MCP tool
/// `recent_requests` show it: built from the `request_completed` / `request_failed` records of one
/// request (one per service hop), as ``RequestKeys`` tells which request a record belongs to.
struct RecentRequest: Sendable, Equatable {
    /// Lowest status code counted as a failure.
    static let failingStatus = 500

    var requestID: String?
    /// The trace id of the outermost hop: what opens a request that has no request id.
    var traceID: String?
    var method: String?
    var path: String?
    var status: Int?
    var durationMS: Double?
    /// Services that finished a hop of this request, outermost first.
    var services: [String]
    var failed: Bool
    var error: String?
    /// When the outermost hop finished, microseconds since the epoch.
    var timestamp: Int64

    /// The events that end a hop: one per service a request passed through.
    static let completionEvents: Set<String> = ["request_completed", "request_failed"]
    /// The event that starts a hop, with its method and path (the middleware's; Rails' `Started GET …`).
    static let startEvent = "request_received"
    /// The events that start or end a hop: what the request list looks for when a filter names no other.
    static let hopEvents = completionEvents.union([startEvent])

    /// The hop-completion records among `records` grouped by `keys`, in the order each request is first
    /// seen, with the key of each.
    static func grouped(_ records: [LogRecord], by keys: RequestKeys) -> [(key: String, request: RecentRequest)] {
        var order: [String] = []
        var groups: [String: [LogRecord]] = [:]
        for record in records where record.event.map(completionEvents.contains) ?? false {
            let key = keys.key(of: record) ?? RequestKeys.ownKey(of: record)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(record)
        }
        return order.map { key in (key: key, request: RecentRequest(hops: groups[key]!)) }
    }

    /// Failed first, then slowest, then latest: the order `recent_requests` answers in.
    static func byAttention(_ lhs: RecentRequest, _ rhs: RecentRequest) -> Bool {
        if lhs.failed != rhs.failed { return lhs.failed }
        if (lhs.durationMS ?? 0) != (rhs.durationMS ?? 0) { return (lhs.durationMS ?? 0) > (rhs.durationMS ?? 0) }
        return lhs.timestamp > rhs.timestamp
    }

    /// `{"requests":[…],"count":n}`: the answer of `GET /api/requests` and `recent_requests`.
    static func listJSON(_ requests: some Collection<RecentRequest>) -> [UInt8] {
        var writer = JSONWriter(capacity: 32 + requests.count * 256)
        writer.raw("{\"requests\":[")
        for (index, request) in requests.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            request.write(to: &writer)
        }
        writer.raw("],\"count\":")
        writer.integer(requests.count)
        writer.byte(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// `{"request_id","trace_id","method","path","status","duration_ms","services","failed","error","timestamp"}`,
    /// absent keys omitted.
    func write(to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "{"))
        var first = true
        func key(_ name: String, _ writer: inout JSONWriter) {
            writer.key(name, first: first)
            first = false
        }
        if let requestID { key("request_id", &writer); writer.string(requestID) }
        if let traceID { key("trace_id", &writer); writer.string(traceID) }
        if let method { key("method", &writer); writer.string(method) }
        if let path { key("path", &writer); writer.string(path) }
        if let status { key("status", &writer); writer.integer(status) }
        if let durationMS { key("duration_ms", &writer); writer.decimal(durationMS) }
        key("services", &writer)
        writer.byte(UInt8(ascii: "["))
        for (index, service) in services.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.string(service)
        }
        writer.byte(UInt8(ascii: "]"))
        writer.raw(failed ? ",\"failed\":true" : ",\"failed\":false")
        if let error { writer.key("error"); writer.string(error) }
        writer.raw(",\"timestamp\":\"")
        RecordTime.write(timestamp, to: &writer)
        writer.byte(UInt8(ascii: "\""))
        writer.byte(UInt8(ascii: "}"))
    }
}

extension RecentRequest {
    /// A request as ``write(to:)`` wrote it (`GET /api/requests`, read back by `trace-receiver mcp`);
    /// `nil` without its services, failed flag or timestamp.
    init?(json: [String: Any]) {
        guard let services = json["services"] as? [String], let failed = json["failed"] as? Bool,
            let time = json["timestamp"] as? String, let timestamp = RecordTime.parse(Array(time.utf8))
        else { return nil }
        self.init(
            requestID: json["request_id"] as? String,
            traceID: json["trace_id"] as? String,
            method: json["method"] as? String,
            path: json["path"] as? String,
            status: json["status"] as? Int,
            durationMS: json["duration_ms"] as? Double,
            services: services,
            failed: failed,
            error: json["error"] as? String,
            timestamp: timestamp
        )
    }

    /// One request from its hops' completion records (at least one).
    init(hops records: [LogRecord]) {
        // The outermost hop took longest; ties go to the one that finished last.
        let hops = records.sorted { ($0.durationMS ?? 0, $0.timestamp) > ($1.durationMS ?? 0, $1.timestamp) }
        let entry = hops[0]
        var services: [String] = []
        for hop in hops where !services.contains(hop.service) { services.append(hop.service) }
        self.init(
            requestID: entry.requestID ?? hops.lazy.compactMap(\.requestID).first,
            traceID: entry.traceID ?? hops.lazy.compactMap(\.traceID).first,
            method: entry.field("method"),
            path: entry.field("path"),
            status: entry.field("status_code").flatMap { Int($0) },
            durationMS: entry.durationMS,
            services: services,
            failed: hops.contains { hop in
                hop.event == "request_failed" || (hop.field("status_code").flatMap { Int($0) } ?? 0) >= Self.failingStatus
            },
            error: hops.lazy.compactMap(\.error).first,
            timestamp: entry.timestamp
        )
    }

    /// Fills in the method and path, when the hop completions did not name them (Rails' `Completed …`
    /// line), from the first of `starts` (its hops' ``startEvent`` records) that does.
    mutating func complete(from starts: [LogRecord]) {
        if method == nil { method = starts.lazy.compactMap { $0.field("method") }.first }
        if path == nil { path = starts.lazy.compactMap { $0.field("path") }.first }
    }

    /// A request known only from other records (still running, or its hops' completions are gone):
    /// its ids, the method and path its records name (a start's), the services that logged, whether any
    /// record is an error, and when it last logged.
    init(records: [LogRecord]) {
        var services: [String] = []
        for record in records where !services.contains(record.service) { services.append(record.service) }
        let errors = records.filter { $0.level.rank >= Logger.Level.error.rank }
        self.init(
            requestID: records.lazy.compactMap(\.requestID).first,
            traceID: records.lazy.compactMap(\.traceID).first,
            method: records.lazy.compactMap { $0.field("method") }.first,
            path: records.lazy.compactMap { $0.field("path") }.first,
            services: services,
            failed: !errors.isEmpty,
            error: errors.lazy.compactMap { $0.error ?? $0.message }.first,
            timestamp: records.map(\.timestamp).max() ?? 0
        )
    }
}
