import Logging

/// Encodes a ``LogEntry`` as one line of JSON in the record shape of DESIGN.md, newline included.
///
/// Key order is fixed (`timestamp`, `level`, `service`, `source`, `event`, `message`, `request_id`,
/// `trace_id`, `span_id`, `parent_span_id`, `duration_ms`, `error`, `error_type`, `stack`, `fields`);
/// absent keys are omitted, never `null`.
enum JSONLineEncoder {
    /// `,"service":"…","source":"…"` with both values escaped: constant per handler, so it is encoded
    /// once and copied into every line.
    static func serviceAndSource(service: String, source: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 64)
        writer.raw(",\"service\":")
        writer.string(service)
        writer.raw(",\"source\":")
        writer.string(source)
        return writer.bytes
    }

    /// The encoded line as an array (for tests and occasional callers; the handler writes in place).
    static func encode(_ entry: LogEntry, service: String, source: String) -> [UInt8] {
        var writer = JSONWriter()
        let prefix = serviceAndSource(service: service, source: source)
        prefix.withUnsafeBufferPointer { encode(entry, serviceAndSource: $0, into: &writer) }
        return writer.bytes
    }

    /// Appends the line for `entry` to `writer`; `serviceAndSource` is ``serviceAndSource(service:source:)``.
    ///
    /// One pass over the metadata encodes promoted values and fields into two side buffers on the stack;
    /// the line then copies each promoted value into its place in the record's key order, and the
    /// fields after them.
    static func encode(_ entry: LogEntry, serviceAndSource: UnsafeBufferPointer<UInt8>, into writer: inout JSONWriter) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: promotedScratchCapacity + fieldsScratchCapacity) { scratch in
            var promoted = JSONWriter(borrowing: UnsafeMutableBufferPointer(rebasing: scratch[..<promotedScratchCapacity]))
            var fields = JSONWriter(borrowing: UnsafeMutableBufferPointer(rebasing: scratch[promotedScratchCapacity...]))
            var spans = PromotedSpans()
            entry.forEachValue(
                promoted: { key, value in
                    let start = promoted.count
                    promoted.metadataValue(value)
                    spans[key] = (start, promoted.count)
                },
                field: { key, value in
                    fields.key(key, first: fields.count == 0)
                    fields.metadataValue(value)
                }
            )
            promoted.withBytes { encoded in
                let encoded = encoded.assumingMemoryBound(to: UInt8.self)
                @inline(__always)
                func copy(_ key: LogEntry.PromotedKey) -> Bool {
                    guard let (start, end) = spans[key] else { return false }
                    writer.raw(key.jsonKey)
                    writer.append(UnsafeBufferPointer(rebasing: encoded[start..<end]))
                    return true
                }
                writeHead(timestamp: entry.timestamp, level: entry.level, serviceAndSource: serviceAndSource, into: &writer)
                _ = copy(.event)
                writer.raw(",\"message\":")
                writer.string(entry.message)
                let trace = entry.trace
                // Explicit metadata wins over the bound context; context ids are written as hex in place.
                if !copy(.requestID), let trace {
                    writer.raw(",\"request_id\":")
                    writer.string(trace.requestID)
                }
                if !copy(.traceID), let trace {
                    writeTraceID(trace.traceID, into: &writer)
                }
                if !copy(.spanID), let trace {
                    writeSpanID(key: ",\"span_id\":\"", trace.spanID, into: &writer)
                }
                if !copy(.parentSpanID), let parent = trace?.parentSpanID {
                    writeSpanID(key: ",\"parent_span_id\":\"", parent, into: &writer)
                }
                _ = copy(.durationMS)
                _ = copy(.error)
                _ = copy(.errorType)
                _ = copy(.stack)
            }
            if fields.count > 0 {
                writer.raw(",\"fields\":{")
                fields.withBytes { writer.append($0) }
                writer.byte(UInt8(ascii: "}"))
            }
        }
        writer.raw("}\n")
    }

    /// Stack space for the encoded promoted values of one line (more moves them to the heap).
    private static let promotedScratchCapacity = 256
    /// Stack space for the encoded fields of one line (more moves them to the heap).
    private static let fieldsScratchCapacity = 768

    /// `,"trace_id":"<32 hex digits>"`.
    @inline(__always)
    static func writeTraceID(_ traceID: TraceID, into writer: inout JSONWriter) {
        writer.raw(",\"trace_id\":\"")
        writer.hex(traceID.high, digits: 16)
        writer.hex(traceID.low, digits: 16)
        writer.byte(UInt8(ascii: "\""))
    }

    /// `<key><16 hex digits>"`, where `key` is `,"name":"`.
    @inline(__always)
    static func writeSpanID(key: StaticString, _ spanID: SpanID, into writer: inout JSONWriter) {
        writer.raw(key)
        writer.hex(spanID.rawValue, digits: 16)
        writer.byte(UInt8(ascii: "\""))
    }

    /// `{"timestamp":"…","level":"…","service":"…","source":"…"`.
    @inline(__always)
    static func writeHead(
        timestamp: UTCTimestamp,
        level: Logger.Level,
        serviceAndSource: UnsafeBufferPointer<UInt8>,
        into writer: inout JSONWriter
    ) {
        writer.raw("{\"timestamp\":\"")
        writer.appendFixed(count: UTCTimestamp.length) { timestamp.write(to: $0) }
        writer.raw(levelField(level))
        writer.append(serviceAndSource)
    }

    /// `","level":"<level>"`: closes the timestamp string and writes the level.
    private static func levelField(_ level: Logger.Level) -> StaticString {
        switch level {
        case .trace: "\",\"level\":\"trace\""
        case .debug: "\",\"level\":\"debug\""
        case .info: "\",\"level\":\"info\""
        case .notice: "\",\"level\":\"notice\""
        case .warning: "\",\"level\":\"warning\""
        case .error: "\",\"level\":\"error\""
        case .critical: "\",\"level\":\"critical\""
        }
    }
}

extension LogEntry.PromotedKey {
    /// `,"<raw value>":`, ready to copy into a line.
    var jsonKey: StaticString {
        switch self {
        case .event: ",\"event\":"
        case .requestID: ",\"request_id\":"
        case .traceID: ",\"trace_id\":"
        case .spanID: ",\"span_id\":"
        case .parentSpanID: ",\"parent_span_id\":"
        case .durationMS: ",\"duration_ms\":"
        case .error: ",\"error\":"
        case .errorType: ",\"error_type\":"
        case .stack: ",\"stack\":"
        }
    }
}

/// Where each promoted key's encoded value sits in the side buffer of one line.
private struct PromotedSpans {
    private var starts = InlineArray<9, Int32>(repeating: -1)
    private var ends = InlineArray<9, Int32>(repeating: 0)

    subscript(key: LogEntry.PromotedKey) -> (start: Int, end: Int)? {
        get {
            let slot = key.bit.trailingZeroBitCount
            return starts[slot] < 0 ? nil : (Int(starts[slot]), Int(ends[slot]))
        }
        set {
            let slot = key.bit.trailingZeroBitCount
            starts[slot] = Int32(newValue?.start ?? -1)
            ends[slot] = Int32(newValue?.end ?? 0)
        }
    }
}
