import Foundation

/// Reads the log records of an OTLP `ExportLogsServiceRequest`
/// (opentelemetry-proto `collector/logs/v1/logs_service.proto`), sent as protobuf or as OTLP/JSON: each
/// record with its resource's `service.name` and its scope's name. Fields it has no use for are skipped.
///
/// A body that cannot be read is refused whole (``OTLPDecodingError``): a protobuf message cut or
/// corrupted part way cannot be trusted past the damage. See ``OTLPValueReader`` for the bounds.
enum OTLPLogsDecoder {
    // MARK: Protobuf

    /// The records of a protobuf-encoded request.
    static func records(protobuf body: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> [OTLPLogRecord] {
        try OTLPExportRequest.items(protobuf: body, readItem: logRecord)
    }

    private static func logRecord(_ bytes: UnsafeRawBufferPointer, _ values: inout OTLPValueReader) throws(OTLPDecodingError) -> OTLPLogRecord {
        var reader = ProtobufReader(bytes)
        var record = OTLPLogRecord()
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .fixed64): record.time = try reader.fixed64()
            case (11, .fixed64): record.observedTime = try reader.fixed64()
            case (2, .varint): record.severityNumber = try reader.varint()
            case (3, .lengthDelimited): record.severityText = try reader.string()
            case (5, .lengthDelimited): record.body = try values.value(try reader.lengthDelimited())
            case (6, .lengthDelimited): record.attributes.append(try values.keyValue(try reader.lengthDelimited()))
            case (9, .lengthDelimited): record.traceID = Array(try reader.lengthDelimited())
            case (10, .lengthDelimited): record.spanID = Array(try reader.lengthDelimited())
            case (12, .lengthDelimited): record.eventName = try reader.string()
            default: try reader.skip(field.wireType)
            }
        }
        return record
    }

    // MARK: JSON

    /// The records of an OTLP/JSON request (see ``OTLPJSON``).
    static func records(json body: Data) throws(OTLPDecodingError) -> [OTLPLogRecord] {
        try OTLPExportRequest.items(json: body, keys: .logs, readItem: logRecord)
    }

    private static func logRecord(json: OTLPJSON.Object, _ values: inout OTLPValueReader) throws(OTLPDecodingError) -> OTLPLogRecord {
        var record = OTLPLogRecord()
        record.time = try OTLPJSON.unsigned(json, "timeUnixNano", "time_unix_nano")
        record.observedTime = try OTLPJSON.unsigned(json, "observedTimeUnixNano", "observed_time_unix_nano")
        record.severityNumber = try OTLPJSON.enumeration(json, "severityNumber", "severity_number", names: severityNames)
        record.severityText = try OTLPJSON.string(json, "severityText", "severity_text")
        if let body = json["body"] {
            guard let body = body as? OTLPJSON.Object else { throw OTLPDecodingError("body: not an AnyValue object") }
            record.body = try values.value(json: body)
        }
        record.attributes = try values.attributes(json: json)
        record.traceID = try OTLPJSON.hexID(json, "traceId", "trace_id", bytes: 16)
        record.spanID = try OTLPJSON.hexID(json, "spanId", "span_id", bytes: 8)
        record.eventName = try OTLPJSON.string(json, "eventName", "event_name")
        return record
    }

    /// The `SeverityNumber` enum's names, by number.
    private static let severityNames: [String] = ["SEVERITY_NUMBER_UNSPECIFIED"]
        + ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].flatMap { level in
            ["", "2", "3", "4"].map { "SEVERITY_NUMBER_\(level)\($0)" }
        }
}
