/// The top-level keys of a log record that the receiver interprets; everything else is kept as a field.
enum RecordKey {
    case timestamp, timestampAlias, level, service, source, event, message, messageAlias
    case requestID, traceID, spanID, parentSpanID, durationMS, error, errorType, stack
    case fields, instance, sequence, inferred, other

    /// Matches raw (escape-free) key bytes without allocating.
    init(_ scanner: JSONScanner, _ range: Range<Int>) {
        for (name, key) in Self.table where scanner.bytes(range, equal: name) {
            self = key
            return
        }
        self = .other
    }

    /// Matches a decoded key (used when the key contained escapes).
    init(name: String) {
        for (candidate, key) in Self.table where candidate.description == name {
            self = key
            return
        }
        self = .other
    }

    private static let table: [(StaticString, RecordKey)] = [
        ("message", .message), ("timestamp", .timestamp), ("level", .level), ("service", .service),
        ("request_id", .requestID), ("trace_id", .traceID), ("span_id", .spanID), ("event", .event),
        ("fields", .fields), ("parent_span_id", .parentSpanID), ("duration_ms", .durationMS),
        ("source", .source), ("error", .error), ("error_type", .errorType), ("stack", .stack),
        ("instance", .instance), ("seq", .sequence), ("inferred", .inferred),
        ("msg", .messageAlias), ("time", .timestampAlias), ("ts", .timestampAlias), ("@timestamp", .timestampAlias),
        ("severity", .level), ("severity_text", .level),
    ]
}
