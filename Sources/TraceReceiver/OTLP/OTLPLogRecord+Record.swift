import RequestTracing

extension OTLPLogRecord {
    /// Attributes with a place of their own in a record (OpenTelemetry's semantic conventions for
    /// exceptions, and the names a request id goes by); the others are kept under `fields`.
    private enum Role {
        case error, errorType, stack, requestID
    }

    private static let roles: [String: Role] = [
        "exception.message": .error, "exception.type": .errorType, "exception.stacktrace": .stack,
        "request_id": .requestID, "request.id": .requestID, "http.request.header.x-request-id": .requestID,
    ]

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
        if let body {
            writer.string(body.text)
        } else {
            writer.string(eventName)
        }
        let nanoseconds = time != 0 ? time : observedTime
        if nanoseconds != 0 {
            writer.key("timestamp")
            writer.string(RecordTime.format(Int64(nanoseconds / 1_000)))
        }
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
        if traceID.count == 16, traceID.contains(where: { $0 != 0 }) {
            writer.key("trace_id")
            writer.string(OTLPValue.hex(traceID))
        }
        if spanID.count == 8, spanID.contains(where: { $0 != 0 }) {
            writer.key("span_id")
            writer.string(OTLPValue.hex(spanID))
        }
        var fields: [(key: String, value: OTLPValue)] = []
        var hasLogger = false
        for attribute in attributes {
            switch Self.roles[attribute.key] {
            case .error?: writer.key("error")
            case .errorType?: writer.key("error_type")
            case .stack?: writer.key("stack")
            case .requestID?:
                // A header attribute is an array of the header's values.
                guard let id = Self.firstText(attribute.value) else { continue }
                writer.key("request_id")
                writer.string(id)
                continue
            case nil:
                hasLogger = hasLogger || attribute.key == "logger"
                fields.append(attribute)
                continue
            }
            writer.string(attribute.value.text)
        }
        if !scopeName.isEmpty, !hasLogger { fields.append((key: "logger", value: .string(scopeName))) }
        if !fields.isEmpty {
            writer.key("fields")
            OTLPValue.keyValues(fields).write(to: &writer)
        }
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

    /// A string value, or the first string of an array.
    private static func firstText(_ value: OTLPValue) -> String? {
        switch value {
        case .string(let text): text.isEmpty ? nil : text
        case .array(let values): values.lazy.compactMap(firstText).first
        default: nil
        }
    }
}
