import Logging

/// Encodes a ``LogEntry`` as one line of JSON in the record shape of DESIGN.md, newline included.
///
/// Key order is fixed (`timestamp`, `level`, `service`, `source`, `event`, `message`, `request_id`,
/// `trace_id`, `span_id`, `parent_span_id`, `duration_ms`, `error`, `error_type`, `stack`, `fields`);
/// absent keys are omitted, never `null`.
enum JSONLineEncoder {
    static func encode(_ entry: LogEntry, service: String, source: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw("{\"timestamp\":\"")
        entry.timestamp.write(into: &writer.bytes)
        writer.raw("\",\"level\":\"")
        writer.bytes.append(contentsOf: entry.level.rawValue.utf8)
        writer.raw("\"")
        writer.key("service")
        writer.string(service)
        writer.key("source")
        writer.string(source)
        if let event = entry[.event] {
            writer.key("event")
            writer.metadataValue(event)
        }
        writer.key("message")
        writer.string(entry.message)

        let trace = entry.trace
        // Explicit metadata wins over the bound context; context ids are written as hex in place.
        if !writer.promoted(entry, .requestID), let trace {
            writer.key("request_id")
            writer.string(trace.requestID)
        }
        if !writer.promoted(entry, .traceID), let trace {
            writer.raw(",\"trace_id\":\"")
            writer.hex(trace.traceID.high, digits: 16)
            writer.hex(trace.traceID.low, digits: 16)
            writer.raw("\"")
        }
        if !writer.promoted(entry, .spanID), let trace {
            writer.quotedHex(key: "span_id", trace.spanID.rawValue)
        }
        if !writer.promoted(entry, .parentSpanID), let parent = trace?.parentSpanID {
            writer.quotedHex(key: "parent_span_id", parent.rawValue)
        }
        writer.promoted(entry, .durationMS)
        writer.promoted(entry, .error)
        writer.promoted(entry, .errorType)
        writer.promoted(entry, .stack)
        var openedFields = false
        entry.forEachField { key, value in
            if !openedFields {
                writer.raw(",\"fields\":{")
                writer.key(key, first: true)
                openedFields = true
            } else {
                writer.key(key)
            }
            writer.metadataValue(value)
        }
        if openedFields { writer.raw("}") }
        writer.raw("}\n")
        return writer.bytes
    }
}

extension JSONWriter {
    /// Writes `,"key":value` when the entry has a value for `key`; returns whether it did.
    @inline(__always)
    @discardableResult
    mutating func promoted(_ entry: LogEntry, _ key: LogEntry.PromotedKey) -> Bool {
        guard let value = entry[key] else { return false }
        self.key(key.rawValue)
        metadataValue(value)
        return true
    }

    /// Writes `,"key":"<16 hex digits>"`.
    mutating func quotedHex(key: String, _ value: UInt64) {
        self.key(key)
        bytes.append(UInt8(ascii: "\""))
        hex(value, digits: 16)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes `value` as `count` lowercase hex digits, unquoted.
    mutating func hex(_ value: UInt64, digits count: Int) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBufferPointer { Hex.write(value, digits: count, into: $0, at: start) }
    }
}
