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
        var values = OTLPValueReader()
        var records: [OTLPLogRecord] = []
        var reader = ProtobufReader(body)
        while let field = try reader.nextField() {
            if field.number == 1, field.wireType == .lengthDelimited {
                try resourceLogs(try reader.lengthDelimited(), values: &values, into: &records)
            } else {
                try reader.skip(field.wireType)
            }
        }
        return records
    }

    private static func resourceLogs(
        _ bytes: UnsafeRawBufferPointer, values: inout OTLPValueReader, into records: inout [OTLPLogRecord]
    ) throws(OTLPDecodingError) {
        var reader = ProtobufReader(bytes)
        var serviceName: String?
        let first = records.count
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): serviceName = try values.serviceName(ofResource: try reader.lengthDelimited())
            case (2, .lengthDelimited): try scopeLogs(try reader.lengthDelimited(), values: &values, into: &records)
            default: try reader.skip(field.wireType)
            }
        }
        // The resource may come after its records: fields can be in any order.
        for index in first..<records.count { records[index].serviceName = serviceName }
    }

    private static func scopeLogs(
        _ bytes: UnsafeRawBufferPointer, values: inout OTLPValueReader, into records: inout [OTLPLogRecord]
    ) throws(OTLPDecodingError) {
        var reader = ProtobufReader(bytes)
        var scopeName = ""
        let first = records.count
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): scopeName = try values.name(ofScope: try reader.lengthDelimited())
            case (2, .lengthDelimited):
                try values.spend()
                records.append(try logRecord(try reader.lengthDelimited(), values: &values))
            default: try reader.skip(field.wireType)
            }
        }
        for index in first..<records.count { records[index].scopeName = scopeName }
    }

    private static func logRecord(_ bytes: UnsafeRawBufferPointer, values: inout OTLPValueReader) throws(OTLPDecodingError) -> OTLPLogRecord {
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
        let request = try OTLPJSON.parse(body)
        var values = OTLPValueReader()
        var records: [OTLPLogRecord] = []
        for resourceLogs in try OTLPJSON.objects(request, "resourceLogs", "resource_logs") {
            let serviceName = try values.serviceName(ofResource: try OTLPJSON.object(resourceLogs, "resource", "resource"))
            for scopeLogs in try OTLPJSON.objects(resourceLogs, "scopeLogs", "scope_logs") {
                let scopeName = try OTLPJSON.object(scopeLogs, "scope", "scope").flatMap { $0["name"] as? String } ?? ""
                for json in try OTLPJSON.objects(scopeLogs, "logRecords", "log_records") {
                    try values.spend()
                    var record = try logRecord(json: json, values: &values)
                    record.serviceName = serviceName
                    record.scopeName = scopeName
                    records.append(record)
                }
            }
        }
        return records
    }

    private static func logRecord(json: OTLPJSON.Object, values: inout OTLPValueReader) throws(OTLPDecodingError) -> OTLPLogRecord {
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
