import Logging
import RequestTracing

extension LogRecord {
    /// Appends the record as one compact JSON object in the DESIGN.md shape (absent keys omitted), led by
    /// its ``instance`` and ``sequence`` (as `instance` and `seq`) when `includingIdentity` is set and it
    /// has both.
    func write(to writer: inout JSONWriter, includingIdentity: Bool = false) {
        writer.byte(UInt8(ascii: "{"))
        if includingIdentity, let instance, let sequence {
            writer.raw("\"instance\":")
            writer.string(instance)
            writer.raw(",\"seq\":")
            writer.integer(sequence)
            writer.byte(UInt8(ascii: ","))
        }
        writer.raw("\"timestamp\":\"")
        RecordTime.write(timestamp, to: &writer)
        writer.raw("\",\"level\":\"")
        writer.raw(contentsOf: level.rawValue)
        writer.raw("\",\"service\":")
        writer.string(service)
        writer.raw(",\"source\":\"")
        writer.raw(contentsOf: source.rawValue)
        writer.byte(UInt8(ascii: "\""))
        if let event { writer.key("event"); writer.string(event) }
        writer.key("message")
        writer.string(message)
        if let requestID { writer.key("request_id"); writer.string(requestID) }
        if let traceID { writer.key("trace_id"); writer.string(traceID) }
        if let spanID { writer.key("span_id"); writer.string(spanID) }
        if let parentSpanID { writer.key("parent_span_id"); writer.string(parentSpanID) }
        if let durationMS { writer.key("duration_ms"); writer.decimal(durationMS) }
        if let error { writer.key("error"); writer.string(error) }
        if let errorType { writer.key("error_type"); writer.string(errorType) }
        if let stack { writer.key("stack"); writer.string(stack) }
        if let fields {
            writer.raw(",\"fields\":")
            writer.raw(contentsOf: fields)
        }
        if inferred { writer.raw(",\"inferred\":true") }
        writer.byte(UInt8(ascii: "}"))
    }

    /// The record as one line of compact JSON (no trailing newline).
    public var jsonLine: String {
        String(decoding: jsonBytes(), as: UTF8.self)
    }

    /// ``jsonLine``'s UTF-8.
    func jsonBytes(includingIdentity: Bool = false) -> [UInt8] {
        var writer = JSONWriter(capacity: 256 + message.utf8.count + (stack?.utf8.count ?? 0) + (fields?.utf8.count ?? 0))
        write(to: &writer, includingIdentity: includingIdentity)
        return writer.bytes
    }
}
