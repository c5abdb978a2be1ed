import RequestTracing

/// One finished HTTP request, as `recent_requests` lists it: built from the `request_completed` /
/// `request_failed` records that share a request id (one per service hop).
struct RecentRequest: Sendable, Equatable {
    /// Lowest status code counted as a failure.
    static let failingStatus = 500

    var requestID: String?
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

    /// Groups the request records among `records` by request id (else trace id) and orders them
    /// failed first, then slowest, then latest.
    static func summarise(_ records: [LogRecord]) -> [RecentRequest] {
        var order: [String] = []
        var groups: [String: [LogRecord]] = [:]
        for record in records where record.event == "request_completed" || record.event == "request_failed" {
            let key = record.requestID ?? record.traceID ?? "record-\(record.id)-\(record.timestamp)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(record)
        }
        let requests = order.map { key -> RecentRequest in
            // The outermost hop took longest; ties go to the one that finished last.
            let hops = groups[key]!.sorted { ($0.durationMS ?? 0, $0.timestamp) > ($1.durationMS ?? 0, $1.timestamp) }
            let entry = hops[0]
            var services: [String] = []
            for hop in hops where !services.contains(hop.service) { services.append(hop.service) }
            let failed = hops.contains { hop in
                hop.event == "request_failed" || (hop.field("status_code").flatMap { Int($0) } ?? 0) >= failingStatus
            }
            return RecentRequest(
                requestID: entry.requestID,
                method: entry.field("method"),
                path: entry.field("path"),
                status: entry.field("status_code").flatMap { Int($0) },
                durationMS: entry.durationMS,
                services: services,
                failed: failed,
                error: hops.lazy.compactMap(\.error).first,
                timestamp: entry.timestamp
            )
        }
        return requests.sorted { lhs, rhs in
            if lhs.failed != rhs.failed { return lhs.failed }
            if (lhs.durationMS ?? 0) != (rhs.durationMS ?? 0) { return (lhs.durationMS ?? 0) > (rhs.durationMS ?? 0) }
            return lhs.timestamp > rhs.timestamp
        }
    }

    /// `{"request_id","method","path","status","duration_ms","services","failed","error","timestamp"}`,
    /// absent keys omitted.
    func write(to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "{"))
        var first = true
        func key(_ name: String, _ writer: inout JSONWriter) {
            writer.key(name, first: first)
            first = false
        }
        if let requestID { key("request_id", &writer); writer.string(requestID) }
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
