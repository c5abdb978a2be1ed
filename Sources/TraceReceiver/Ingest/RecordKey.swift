/// The top-level keys of a log record that the receiver interprets; everything else is kept as a field.
enum RecordKey {
    case timestamp, timestampAlias, level, service, source, event, message, messageAlias
    case requestID, traceID, spanID, parentSpanID, durationMS, error, errorType, stack
    case fields, instance, sequence, inferred, other

    /// Matches raw (escape-free) key bytes without allocating: the bytes, packed into two words, are
    /// compared with the names of the same length.
    init(_ scanner: JSONScanner, _ range: Range<Int>) {
        if range.count < Self.byLength.count {
            let packed = PackedName(UnsafeBufferPointer(rebasing: scanner.bytes[range]))
            for (name, key) in Self.byLength[range.count] where name == packed {
                self = key
                return
            }
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

    /// ``table`` grouped by name length (index = UTF-8 length), names packed.
    private static let byLength: [[(PackedName, RecordKey)]] = {
        var groups = [[(PackedName, RecordKey)]](repeating: [], count: 1 + table.map(\.0.utf8CodeUnitCount).max()!)
        for (name, key) in table {
            groups[name.utf8CodeUnitCount].append((name.withUTF8Buffer(PackedName.init), key))
        }
        return groups
    }()
}

/// Up to 16 bytes of a name in two words (zero-padded), so comparing two names of the same length is
/// two integer comparisons.
private struct PackedName: Equatable {
    var low: UInt64 = 0
    var high: UInt64 = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= 16, "names longer than 16 bytes are never packed")
        withUnsafeMutableBytes(of: &self) { $0.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
    }
}
