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
        if let value = entry[.requestID] {
            writer.key("request_id")
            writer.metadataValue(value)
        } else if let trace {
            writer.key("request_id")
            writer.string(trace.requestID)
        }
        if let value = entry[.traceID] {
            writer.key("trace_id")
            writer.metadataValue(value)
        } else if let trace {
            writer.raw(",\"trace_id\":\"")
            writer.hex(trace.traceID.high, digits: 16)
            writer.hex(trace.traceID.low, digits: 16)
            writer.raw("\"")
        }
        if let value = entry[.spanID] {
            writer.key("span_id")
            writer.metadataValue(value)
        } else if let trace {
            writer.raw(",\"span_id\":\"")
            writer.hex(trace.spanID.rawValue, digits: 16)
            writer.raw("\"")
        }
        if let value = entry[.parentSpanID] {
            writer.key("parent_span_id")
            writer.metadataValue(value)
        } else if let parent = trace?.parentSpanID {
            writer.raw(",\"parent_span_id\":\"")
            writer.hex(parent.rawValue, digits: 16)
            writer.raw("\"")
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
    /// Writes `,"key":value` when the entry has a value for `key`.
    @inline(__always)
    mutating func promoted(_ entry: LogEntry, _ key: LogEntry.PromotedKey) {
        if let value = entry[key] {
            self.key(key.rawValue)
            metadataValue(value)
        }
    }

    /// Writes `value` as `count` lowercase hex digits, unquoted.
    mutating func hex(_ value: UInt64, digits count: Int) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBufferPointer { Hex.write(value, digits: count, into: $0, at: start) }
    }
}
