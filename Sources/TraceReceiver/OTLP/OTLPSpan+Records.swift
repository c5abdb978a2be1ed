import RequestTracing

extension OTLPSpan {
    /// The event name of a span's record: what the trace view reads a span's name (the record's
    /// message) and duration from.
    static let completedEvent = "span_completed"
    /// ``completedEvent`` for a span whose status is an error.
    static let failedEvent = "span_failed"

    /// How many records ``writeRecords(to:)`` writes: the span's, and one per event.
    var recordCount: Int { 1 + events.count }

    /// Writes the span as JSON objects in the receiver's record shape, separated by commas:
    ///
    /// - the span's own record, written when it ended as the middleware's `request_completed` is:
    ///   `message` its name, `event` ``completedEvent`` (``failedEvent`` at error level when its status
    ///   is an error, with the status message as `error`), `timestamp` its end, `duration_ms`, hex
    ///   `trace_id`, `span_id`, `parent_span_id`; its attributes as in a log record (exceptions and
    ///   request ids have their keys, the rest are `fields`, with `span_kind` and the scope as `scope`);
    /// - one record per event at the event's time, on the same span: `message` and `event` its name (an
    ///   `exception` event at error level, its message being the exception's), its attributes likewise,
    ///   and the span's request id unless the event has one of its own.
    func writeRecords(to writer: inout JSONWriter) {
        let failed = statusCode == 2
        writer.raw("{\"message\":")
        writer.string(name)
        writer.key("event")
        writer.string(failed ? Self.failedEvent : Self.completedEvent)
        writer.key("level")
        writer.raw(failed ? "\"error\"" : "\"info\"")
        OTLPRecordWriter.writeTimestamp(end != 0 ? end : start, to: &writer)
        if start != 0, end >= start {
            writer.key("duration_ms")
            writer.decimal(Double(end - start) / 1_000_000)
        }
        writeCommon(to: &writer)
        OTLPRecordWriter.writeID("parent_span_id", parentSpanID, count: 8, to: &writer)
        if failed, !statusMessage.isEmpty, OTLPRecordWriter.text(of: "exception.message", in: attributes) == nil {
            writer.key("error")
            writer.string(statusMessage)
        }
        var extra: [(key: String, value: OTLPValue)] = []
        if kind > 0, kind < Self.kindNames.count {
            extra.append((key: "span_kind", value: .string(Self.kindNames[Int(kind)].dropFirst("SPAN_KIND_".count).lowercased())))
        }
        if !scopeName.isEmpty { extra.append((key: "scope", value: .string(scopeName))) }
        OTLPRecordWriter.writeAttributes(attributes, extraFields: extra, to: &writer)
        writer.byte(UInt8(ascii: "}"))

        let spanRequestID = events.isEmpty ? nil : OTLPRecordWriter.requestID(in: attributes)
        for event in events {
            let isException = event.name == "exception"
            writer.raw(",{\"message\":")
            writer.string(isException ? OTLPRecordWriter.text(of: "exception.message", in: event.attributes) ?? event.name : event.name)
            writer.key("event")
            writer.string(event.name)
            writer.key("level")
            writer.raw(isException ? "\"error\"" : "\"info\"")
            OTLPRecordWriter.writeTimestamp(event.time, to: &writer)
            writeCommon(to: &writer)
            OTLPRecordWriter.writeAttributes(event.attributes, inheritedRequestID: spanRequestID, to: &writer)
            writer.byte(UInt8(ascii: "}"))
        }
    }

    /// The service and the span's ids.
    private func writeCommon(to writer: inout JSONWriter) {
        if let serviceName {
            writer.key("service")
            writer.string(serviceName)
        }
        OTLPRecordWriter.writeID("trace_id", traceID, count: 16, to: &writer)
        OTLPRecordWriter.writeID("span_id", spanID, count: 8, to: &writer)
    }
}
