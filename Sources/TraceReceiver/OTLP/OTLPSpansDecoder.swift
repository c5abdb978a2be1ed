import Foundation

/// Reads the spans of an OTLP `ExportTraceServiceRequest`
/// (opentelemetry-proto `collector/trace/v1/trace_service.proto`), sent as protobuf or as OTLP/JSON:
/// each span with its events, status, resource's `service.name` and scope's name. Links and fields it has
/// no use for are skipped. Errors and bounds as ``OTLPLogsDecoder``'s.
enum OTLPSpansDecoder {
    // MARK: Protobuf

    /// The spans of a protobuf-encoded request.
    static func spans(protobuf body: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> [OTLPSpan] {
        try OTLPExportRequest.items(protobuf: body, readItem: span)
    }

    private static func span(_ bytes: UnsafeRawBufferPointer, _ values: inout OTLPValueReader) throws(OTLPDecodingError) -> OTLPSpan {
        var reader = ProtobufReader(bytes)
        var span = OTLPSpan()
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): span.traceID = Array(try reader.lengthDelimited())
            case (2, .lengthDelimited): span.spanID = Array(try reader.lengthDelimited())
            case (4, .lengthDelimited): span.parentSpanID = Array(try reader.lengthDelimited())
            case (5, .lengthDelimited): span.name = try reader.string()
            case (6, .varint): span.kind = try reader.varint()
            case (7, .fixed64): span.start = try reader.fixed64()
            case (8, .fixed64): span.end = try reader.fixed64()
            case (9, .lengthDelimited): span.attributes.append(try values.keyValue(try reader.lengthDelimited()))
            case (11, .lengthDelimited):
                try values.spend()
                span.events.append(try event(try reader.lengthDelimited(), values: &values))
            case (15, .lengthDelimited): (span.statusCode, span.statusMessage) = try status(try reader.lengthDelimited())
            default: try reader.skip(field.wireType)
            }
        }
        return span
    }

    private static func event(_ bytes: UnsafeRawBufferPointer, values: inout OTLPValueReader) throws(OTLPDecodingError) -> OTLPSpan.Event {
        var reader = ProtobufReader(bytes)
        var event = OTLPSpan.Event()
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .fixed64): event.time = try reader.fixed64()
            case (2, .lengthDelimited): event.name = try reader.string()
            case (3, .lengthDelimited): event.attributes.append(try values.keyValue(try reader.lengthDelimited()))
            default: try reader.skip(field.wireType)
            }
        }
        return event
    }

    private static func status(_ bytes: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> (code: UInt64, message: String) {
        var reader = ProtobufReader(bytes)
        var status: (code: UInt64, message: String) = (0, "")
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (2, .lengthDelimited): status.message = try reader.string()
            case (3, .varint): status.code = try reader.varint()
            default: try reader.skip(field.wireType)
            }
        }
        return status
    }

    // MARK: JSON

    /// The spans of an OTLP/JSON request (see ``OTLPJSON``).
    static func spans(json body: Data) throws(OTLPDecodingError) -> [OTLPSpan] {
        try OTLPExportRequest.items(json: body, keys: .spans, readItem: span)
    }

    private static func span(json: OTLPJSON.Object, _ values: inout OTLPValueReader) throws(OTLPDecodingError) -> OTLPSpan {
        var span = OTLPSpan()
        span.traceID = try OTLPJSON.hexID(json, "traceId", "trace_id", bytes: 16)
        span.spanID = try OTLPJSON.hexID(json, "spanId", "span_id", bytes: 8)
        span.parentSpanID = try OTLPJSON.hexID(json, "parentSpanId", "parent_span_id", bytes: 8)
        span.name = try OTLPJSON.string(json, "name", "name")
        span.kind = try OTLPJSON.enumeration(json, "kind", "kind", names: OTLPSpan.kindNames)
        span.start = try OTLPJSON.unsigned(json, "startTimeUnixNano", "start_time_unix_nano")
        span.end = try OTLPJSON.unsigned(json, "endTimeUnixNano", "end_time_unix_nano")
        span.attributes = try values.attributes(json: json)
        for event in try OTLPJSON.objects(json, "events", "events") {
            try values.spend()
            span.events.append(
                OTLPSpan.Event(
                    time: try OTLPJSON.unsigned(event, "timeUnixNano", "time_unix_nano"),
                    name: try OTLPJSON.string(event, "name", "name"),
                    attributes: try values.attributes(json: event)
                )
            )
        }
        if let status = try OTLPJSON.object(json, "status", "status") {
            span.statusCode = try OTLPJSON.enumeration(status, "code", "code", names: OTLPSpan.statusNames)
            span.statusMessage = try OTLPJSON.string(status, "message", "message")
        }
        return span
    }
}
