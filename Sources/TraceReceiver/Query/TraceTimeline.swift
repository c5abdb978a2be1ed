import RequestTracing

/// What a text rendering of a truncated timeline (``TraceTimeline/truncated``) says under its summary:
/// the `trace` command's and the MCP tool's.
package let truncatedTimelineNote =
    "more records than one timeline holds: shown are its first and last ones, and every warning, error and span end between them"

/// Everything known about one request or trace: records from every service and the browser, oldest
/// first, and the span tree they describe.
struct TraceTimeline: Sendable {
    /// One span (a server hop or a `timed` block).
    struct Span: Sendable, Equatable {
        var spanID: String
        var parentSpanID: String?
        var service: String
        var name: String
        /// Microseconds since the epoch.
        var start: Int64
        var durationMS: Double?
        /// `ok` or `error`.
        var status: String
    }

    /// One service's part: when it first and last logged, and how long its server hops took.
    struct Hop: Sendable, Equatable {
        var service: String
        var durationMS: Double?
    }

    var requestID: String?
    var traceID: String?
    var services: [String]
    var hops: [Hop]
    var startedAt: Int64
    var durationMS: Double
    var errorCount: Int
    var timeline: [LogRecord]
    var spans: [Span]
    /// Whether the trace has more records than ``timeline`` holds (see ``TraceAssembler``: its landmarks,
    /// beginning and end are kept). Written as `"truncated":true` only when set.
    var truncated = false

    func json() -> [UInt8] {
        var writer = JSONWriter(capacity: 512 + timeline.count * 400)
        writer.byte(UInt8(ascii: "{"))
        var first = true
        if let requestID { writer.key("request_id", first: first); writer.string(requestID); first = false }
        if let traceID { writer.key("trace_id", first: first); writer.string(traceID); first = false }
        writer.key("services", first: first)
        writer.byte(UInt8(ascii: "["))
        for (index, service) in services.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.string(service)
        }
        writer.raw("],\"hops\":[")
        for (index, hop) in hops.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw("{\"service\":")
            writer.string(hop.service)
            if let duration = hop.durationMS { writer.raw(",\"duration_ms\":"); writer.decimal(duration) }
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw("],\"started_at\":\"")
        RecordTime.write(startedAt, to: &writer)
        writer.raw("\",\"duration_ms\":")
        writer.decimal(durationMS)
        writer.raw(",\"error_count\":")
        writer.integer(errorCount)
        if truncated { writer.raw(",\"truncated\":true") }
        writer.raw(",\"timeline\":")
        Self.writeRecords(timeline, to: &writer)
        writer.raw(",\"spans\":[")
        for (index, span) in spans.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.raw("{\"span_id\":")
            writer.string(span.spanID)
            if let parent = span.parentSpanID { writer.raw(",\"parent_span_id\":"); writer.string(parent) }
            writer.raw(",\"service\":")
            writer.string(span.service)
            writer.raw(",\"name\":")
            writer.string(span.name)
            writer.raw(",\"start\":\"")
            RecordTime.write(span.start, to: &writer)
            writer.byte(UInt8(ascii: "\""))
            if let duration = span.durationMS { writer.raw(",\"duration_ms\":"); writer.decimal(duration) }
            writer.raw(",\"status\":")
            writer.string(span.status)
            writer.byte(UInt8(ascii: "}"))
        }
        writer.raw("]}\n")
        return writer.bytes
    }

    /// Writes `[record,record,…]`.
    static func writeRecords(_ records: [LogRecord], to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "["))
        for (index, record) in records.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            record.write(to: &writer)
        }
        writer.byte(UInt8(ascii: "]"))
    }
}
