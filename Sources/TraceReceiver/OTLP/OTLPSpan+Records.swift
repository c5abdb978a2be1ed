import RequestTracing

extension OTLPSpan {
    /// The event name of a span's record: what the trace view reads a span's name (the record's
    /// message) and duration from.
    static let completedEvent = "span_completed"
    /// ``completedEvent`` for a span whose status is an error.
    static let failedEvent = "span_failed"

    /// What an HTTP server span says of its request, by OpenTelemetry's HTTP semantic conventions
    /// (current names first, then the older `http.method`, `http.target`, `http.status_code`).
    struct ServedRequest: Equatable {
        var method: String
        var path: String?
        var status: Int64?
    }

    /// The request a span served: a server span (kind 2) with an HTTP method; `nil` for other spans.
    /// The path is `url.path`; else that of `http.target`, `url.full` or `http.url` (without the query);
    /// else the span's name after the method (`GET /orders/42`, as instrumentations name server spans);
    /// else the route.
    var servedRequest: ServedRequest? {
        guard kind == 2, let method = Self.text(of: ["http.request.method", "http.method"], in: attributes) else { return nil }
        var path = Self.text(of: ["url.path"], in: attributes)
        if path == nil, let target = Self.text(of: ["http.target", "url.full", "http.url"], in: attributes) {
            path = String(URLPath.of(Substring(target)))
        }
        if path == nil, name.hasPrefix(method + " /") {
            path = String(URLPath.of(name.dropFirst(method.count + 1).prefix { $0 != " " }))
        }
        let status = attributes.last { $0.key == "http.response.status_code" || $0.key == "http.status_code" }.flatMap { attribute in
            switch attribute.value {
            case .int(let code): code
            case .string(let text): Int64(text)
            default: nil
            }
        }
        return ServedRequest(method: method, path: path ?? Self.text(of: ["http.route"], in: attributes), status: status)
    }

    /// The first non-empty text among the attributes named by `keys`, in the order of `keys`.
    private static func text(of keys: [String], in attributes: [(key: String, value: OTLPValue)]) -> String? {
        keys.lazy.compactMap { key in OTLPRecordWriter.text(of: key, in: attributes).flatMap { $0.isEmpty ? nil : $0 } }.first
    }

    /// How many records ``writeRecords(to:)`` writes: the span's, and one per event.
    var recordCount: Int { 1 + events.count }

    /// Writes the span as JSON objects in the receiver's record shape, separated by commas:
    ///
    /// - the span's own record, written when it ended as the middleware's `request_completed` is:
    ///   `message` its name, `event` ``completedEvent`` (``failedEvent`` at error level when its status
    ///   is an error, with the status message as `error`), `timestamp` its end, `duration_ms`, hex
    ///   `trace_id`, `span_id`, `parent_span_id`; its attributes as in a log record (exceptions and
    ///   request ids have their keys, the rest are `fields`, with `span_kind` and the scope as `scope`);
    ///   an HTTP server span (``servedRequest``) is the middleware's record itself: `request_completed`,
    ///   or `request_failed` at error level when its status is an error or its HTTP status 500 or more,
    ///   with `method`, `path` and `status_code` in its fields, so that the request list shows it;
    /// - one record per event at the event's time, on the same span: `message` and `event` its name (an
    ///   `exception` event at error level, its message being the exception's), its attributes likewise,
    ///   and the span's request id unless the event has one of its own.
    func writeRecords(to writer: inout JSONWriter) {
        let served = servedRequest
        let failed = statusCode == 2 || (served?.status ?? 0) >= RecentRequest.failingStatus
        writer.raw("{\"message\":")
        writer.string(name)
        writer.key("event")
        switch (served, failed) {
        case (nil, _): writer.string(failed ? Self.failedEvent : Self.completedEvent)
        case (_?, false): writer.string("request_completed")
        case (_?, true): writer.string("request_failed")
        }
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
        if let served {
            extra.append((key: "method", value: .string(served.method)))
            if let path = served.path { extra.append((key: "path", value: .string(path))) }
            if let status = served.status { extra.append((key: "status_code", value: .int(status))) }
        }
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
