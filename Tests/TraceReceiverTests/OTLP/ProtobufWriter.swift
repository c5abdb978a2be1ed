@testable import TraceReceiver

/// Writes the protobuf wire format, for tests to build OTLP requests (and damaged ones) byte by byte.
struct ProtobufWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func tag(_ field: UInt64, _ wireType: UInt64) {
        varint(field << 3 | wireType)
    }

    mutating func field(_ number: UInt64, varint value: UInt64) {
        tag(number, 0)
        varint(value)
    }

    mutating func field(_ number: UInt64, fixed64 value: UInt64) {
        tag(number, 1)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func field(_ number: UInt64, bytes value: [UInt8]) {
        tag(number, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func field(_ number: UInt64, string value: String) {
        field(number, bytes: Array(value.utf8))
    }

    mutating func field(_ number: UInt64, message build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        field(number, bytes: inner.bytes)
    }

    // MARK: OTLP messages

    mutating func anyValue(_ value: OTLPValue) {
        switch value {
        case .string(let text): field(1, string: text)
        case .bool(let flag): field(2, varint: flag ? 1 : 0)
        case .int(let number): field(3, varint: UInt64(bitPattern: number))
        case .double(let number): field(4, fixed64: number.bitPattern)
        case .bytes(let data): field(7, bytes: data)
        case .array(let values):
            field(5) { array in for value in values { array.field(1) { $0.anyValue(value) } } }
        case .keyValues(let members):
            field(6) { list in for member in members { list.field(1) { $0.keyValue(member.key, member.value) } } }
        }
    }

    mutating func keyValue(_ key: String, _ value: OTLPValue) {
        field(1, string: key)
        field(2) { $0.anyValue(value) }
    }

    /// A `LogRecord` message with the fields `record` sets.
    mutating func logRecord(_ record: OTLPLogRecord) {
        if record.time != 0 { field(1, fixed64: record.time) }
        if record.severityNumber != 0 { field(2, varint: record.severityNumber) }
        if !record.severityText.isEmpty { field(3, string: record.severityText) }
        if let body = record.body { field(5) { $0.anyValue(body) } }
        for attribute in record.attributes { field(6) { $0.keyValue(attribute.key, attribute.value) } }
        if !record.traceID.isEmpty { field(9, bytes: record.traceID) }
        if !record.spanID.isEmpty { field(10, bytes: record.spanID) }
        if record.observedTime != 0 { field(11, fixed64: record.observedTime) }
        if !record.eventName.isEmpty { field(12, string: record.eventName) }
    }

    /// An `ExportLogsServiceRequest` with one resource (its `service.name`) and one scope.
    static func exportRequest(service: String?, scope: String = "", _ records: [OTLPLogRecord]) -> [UInt8] {
        var request = ProtobufWriter()
        request.field(1) { resourceLogs in
            resourceLogs.field(1) { resource in
                resource.field(1) { $0.keyValue("host.name", .string("box")) }
                if let service { resource.field(1) { $0.keyValue("service.name", .string(service)) } }
            }
            resourceLogs.field(2) { scopeLogs in
                scopeLogs.field(1) { $0.field(1, string: scope); $0.field(2, string: "1.0") }
                for record in records { scopeLogs.field(2) { $0.logRecord(record) } }
            }
        }
        return request.bytes
    }
}

extension ProtobufWriter {
    /// A `Span` message with the fields `span` sets.
    mutating func span(_ span: OTLPSpan) {
        if !span.traceID.isEmpty { field(1, bytes: span.traceID) }
        if !span.spanID.isEmpty { field(2, bytes: span.spanID) }
        field(3, string: "vendor=1")  // trace_state: skipped
        if !span.parentSpanID.isEmpty { field(4, bytes: span.parentSpanID) }
        field(5, string: span.name)
        if span.kind != 0 { field(6, varint: span.kind) }
        if span.start != 0 { field(7, fixed64: span.start) }
        if span.end != 0 { field(8, fixed64: span.end) }
        for attribute in span.attributes { field(9) { $0.keyValue(attribute.key, attribute.value) } }
        for event in span.events {
            field(11) { message in
                message.field(1, fixed64: event.time)
                message.field(2, string: event.name)
                for attribute in event.attributes { message.field(3) { $0.keyValue(attribute.key, attribute.value) } }
            }
        }
        field(13) { $0.field(1, bytes: span.traceID) }  // a link: skipped
        if span.statusCode != 0 || !span.statusMessage.isEmpty {
            field(15) { status in
                if !span.statusMessage.isEmpty { status.field(2, string: span.statusMessage) }
                if span.statusCode != 0 { status.field(3, varint: span.statusCode) }
            }
        }
    }

    /// An `ExportTraceServiceRequest`: one resource per service, each with one scope.
    static func traceRequest(_ spansByService: [(service: String, spans: [OTLPSpan])]) -> [UInt8] {
        var request = ProtobufWriter()
        for (service, spans) in spansByService {
            request.field(1) { resourceSpans in
                resourceSpans.field(1) { $0.field(1) { $0.keyValue("service.name", .string(service)) } }
                resourceSpans.field(2) { scopeSpans in
                    scopeSpans.field(1) { $0.field(1, string: "hummingbird") }
                    for span in spans { scopeSpans.field(2) { $0.span(span) } }
                }
            }
        }
        return request.bytes
    }
}

extension Reply {
    /// The `google.rpc.Status` of a protobuf error answer: its `code` (field 1) and `message` (field 2);
    /// `nil` when the body is not one.
    var protobufStatus: (code: UInt64, message: String)? {
        guard headers["Content-Type"].first == "application/x-protobuf" else { return nil }
        return bytes.withUnsafeBytes { Self.status(of: $0) }
    }

    private static func status(of body: UnsafeRawBufferPointer) -> (code: UInt64, message: String)? {
        var status: (code: UInt64, message: String) = (0, "")
        var reader = ProtobufReader(body)
        while let field = try? reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .varint): guard let code = try? reader.varint() else { return nil }; status.code = code
            case (2, .lengthDelimited): guard let message = try? reader.string() else { return nil }; status.message = message
            default: guard (try? reader.skip(field.wireType)) != nil else { return nil }
            }
        }
        return reader.isAtEnd ? status : nil
    }
}
