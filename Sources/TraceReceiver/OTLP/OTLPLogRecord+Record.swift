import RequestTracing

extension OTLPLogRecord {
    /// Writes the record as a JSON object in the receiver's record shape (DESIGN.md), for the same
    /// decoder as `POST /api/logs` to validate, limit and store:
    ///
    /// - `timestamp` from `time_unix_nano`, else `observed_time_unix_nano`, else none (the arrival);
    /// - `level` from `severity_number` (1–4 trace, 5–8 debug, 9–12 info, 13–16 warning, 17–20 error,
    ///   21–24 critical), else from `severity_text` (read as any level name is);
    /// - `service` from the resource's `service.name`; `message` the body (text as it is, any other
    ///   value as JSON), else the event name; `event` the event name;
    /// - `trace_id` and `span_id` in hex (all-zero ids are no ids);
    /// - `error`, `error_type` and `stack` from `exception.message`, `exception.type` and
    ///   `exception.stacktrace`; `request_id` from `request_id`, `request.id` or
    ///   `http.request.header.x-request-id`;
    /// - every other attribute under `fields`, with the scope's name as `logger`.
    func writeRecord(to writer: inout JSONWriter) {
        writer.raw("{\"message\":")
        writer.string(body?.text ?? eventName)
        OTLPRecordWriter.writeTimestamp(time != 0 ? time : observedTime, to: &writer)
        if let level = Self.level(severityNumber: severityNumber) {
            writer.key("level")
            writer.string(level)
        } else if !severityText.isEmpty {
            writer.key("level")
            writer.string(severityText)
        }
        if let serviceName {
            writer.key("service")
            writer.string(serviceName)
        }
        if !eventName.isEmpty {
            writer.key("event")
            writer.string(eventName)
        }
        OTLPRecordWriter.writeID("trace_id", traceID, count: 16, to: &writer)
        OTLPRecordWriter.writeID("span_id", spanID, count: 8, to: &writer)
        let logger = scopeName.isEmpty ? [] : [(key: "logger", value: OTLPValue.string(scopeName))]
        OTLPRecordWriter.writeAttributes(attributes, extraFields: logger, to: &writer)
        writer.byte(UInt8(ascii: "}"))
    }

    /// The receiver's level name for an OTLP severity number, or `nil` when it is unspecified (0) or not
    /// one (over 24).
    static func level(severityNumber: UInt64) -> String? {
        switch severityNumber {
        case 1...4: "trace"
        case 5...8: "debug"
        case 9...12: "info"
        case 13...16: "warning"
        case 17...20: "error"
        case 21...24: "critical"
        default: nil
        }
    }
}
