import Foundation

/// Reads the log records of an OTLP `ExportLogsServiceRequest`
/// (opentelemetry-proto `collector/logs/v1/logs_service.proto`), sent as protobuf or as OTLP/JSON
/// (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): each record with its resource's
/// `service.name` and its scope's name. Fields it has no use for are skipped.
///
/// A body that cannot be read is refused whole (``OTLPDecodingError``): a protobuf message cut or
/// corrupted part way cannot be trusted past the damage. Bounds: values nested at most
/// ``OTLPValue/maximumDepth`` deep, and at most ``maximumItems`` records, attributes and values in all,
/// so a small body cannot make the decoder build a huge one in memory.
struct OTLPLogsDecoder {
    /// Most records, key-value pairs and values read from one request.
    static let maximumItems = 1_000_000

    private var budget = maximumItems

    private mutating func spend() throws(OTLPDecodingError) {
        budget -= 1
        guard budget >= 0 else { throw OTLPDecodingError("more than \(Self.maximumItems) records, attributes and values in one request") }
    }

    // MARK: Protobuf

    /// The records of a protobuf-encoded request.
    static func records(protobuf body: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> [OTLPLogRecord] {
        var decoder = OTLPLogsDecoder()
        var records: [OTLPLogRecord] = []
        var reader = ProtobufReader(body)
        while let field = try reader.nextField() {
            if field.number == 1, field.wireType == .lengthDelimited {
                try decoder.resourceLogs(try reader.lengthDelimited(), into: &records)
            } else {
                try reader.skip(field.wireType)
            }
        }
        return records
    }

    private mutating func resourceLogs(_ bytes: UnsafeRawBufferPointer, into records: inout [OTLPLogRecord]) throws(OTLPDecodingError) {
        var reader = ProtobufReader(bytes)
        var serviceName: String?
        let first = records.count
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): serviceName = try resourceServiceName(try reader.lengthDelimited())
            case (2, .lengthDelimited): try scopeLogs(try reader.lengthDelimited(), into: &records)
            default: try reader.skip(field.wireType)
            }
        }
        // The resource may come after its records: fields can be in any order.
        for index in first..<records.count { records[index].serviceName = serviceName }
    }

    private mutating func resourceServiceName(_ bytes: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> String? {
        var reader = ProtobufReader(bytes)
        var name: String?
        while let field = try reader.nextField() {
            if field.number == 1, field.wireType == .lengthDelimited {
                let attribute = try keyValue(try reader.lengthDelimited(), depth: 0)
                if attribute.key == "service.name", case .string(let text) = attribute.value { name = text }
            } else {
                try reader.skip(field.wireType)
            }
        }
        return name
    }

    private mutating func scopeLogs(_ bytes: UnsafeRawBufferPointer, into records: inout [OTLPLogRecord]) throws(OTLPDecodingError) {
        var reader = ProtobufReader(bytes)
        var scopeName = ""
        let first = records.count
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): scopeName = try self.scopeName(try reader.lengthDelimited())
            case (2, .lengthDelimited):
                try spend()
                records.append(try logRecord(try reader.lengthDelimited()))
            default: try reader.skip(field.wireType)
            }
        }
        for index in first..<records.count { records[index].scopeName = scopeName }
    }

    private func scopeName(_ bytes: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> String {
        var reader = ProtobufReader(bytes)
        var name = ""
        while let field = try reader.nextField() {
            if field.number == 1, field.wireType == .lengthDelimited { name = try reader.string() } else { try reader.skip(field.wireType) }
        }
        return name
    }

    private mutating func logRecord(_ bytes: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> OTLPLogRecord {
        var reader = ProtobufReader(bytes)
        var record = OTLPLogRecord()
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .fixed64): record.time = try reader.fixed64()
            case (11, .fixed64): record.observedTime = try reader.fixed64()
            case (2, .varint): record.severityNumber = try reader.varint()
            case (3, .lengthDelimited): record.severityText = try reader.string()
            case (5, .lengthDelimited): record.body = try value(try reader.lengthDelimited(), depth: 0)
            case (6, .lengthDelimited): record.attributes.append(try keyValue(try reader.lengthDelimited(), depth: 0))
            case (9, .lengthDelimited): record.traceID = Array(try reader.lengthDelimited())
            case (10, .lengthDelimited): record.spanID = Array(try reader.lengthDelimited())
            case (12, .lengthDelimited): record.eventName = try reader.string()
            default: try reader.skip(field.wireType)
            }
        }
        return record
    }

    private mutating func keyValue(_ bytes: UnsafeRawBufferPointer, depth: Int) throws(OTLPDecodingError) -> (key: String, value: OTLPValue) {
        try spend()
        var reader = ProtobufReader(bytes)
        var key = ""
        var value = OTLPValue.string("")
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): key = try reader.string()
            case (2, .lengthDelimited): value = try self.value(try reader.lengthDelimited(), depth: depth)
            default: try reader.skip(field.wireType)
            }
        }
        return (key, value)
    }

    /// An `AnyValue`; one that sets none of its fields is an empty string.
    private mutating func value(_ bytes: UnsafeRawBufferPointer, depth: Int) throws(OTLPDecodingError) -> OTLPValue {
        try spend()
        var reader = ProtobufReader(bytes)
        var value = OTLPValue.string("")
        while let field = try reader.nextField() {
            switch (field.number, field.wireType) {
            case (1, .lengthDelimited): value = .string(try reader.string())
            case (2, .varint): value = .bool(try reader.varint() != 0)
            case (3, .varint): value = .int(Int64(bitPattern: try reader.varint()))
            case (4, .fixed64): value = .double(Double(bitPattern: try reader.fixed64()))
            case (5, .lengthDelimited): value = .array(try values(try reader.lengthDelimited(), depth: depth + 1))
            case (6, .lengthDelimited): value = .keyValues(try keyValues(try reader.lengthDelimited(), depth: depth + 1))
            case (7, .lengthDelimited): value = .bytes(Array(try reader.lengthDelimited()))
            default: try reader.skip(field.wireType)
            }
        }
        return value
    }

    /// An `ArrayValue`'s values.
    private mutating func values(_ bytes: UnsafeRawBufferPointer, depth: Int) throws(OTLPDecodingError) -> [OTLPValue] {
        try Self.checkDepth(depth)
        var reader = ProtobufReader(bytes)
        var values: [OTLPValue] = []
        while let field = try reader.nextField() {
            if field.number == 1, field.wireType == .lengthDelimited {
                values.append(try value(try reader.lengthDelimited(), depth: depth))
            } else {
                try reader.skip(field.wireType)
            }
        }
        return values
    }

    /// A `KeyValueList`'s members.
    private mutating func keyValues(_ bytes: UnsafeRawBufferPointer, depth: Int) throws(OTLPDecodingError) -> [(key: String, value: OTLPValue)] {
        try Self.checkDepth(depth)
        var reader = ProtobufReader(bytes)
        var members: [(key: String, value: OTLPValue)] = []
        while let field = try reader.nextField() {
            if field.number == 1, field.wireType == .lengthDelimited {
                members.append(try keyValue(try reader.lengthDelimited(), depth: depth))
            } else {
                try reader.skip(field.wireType)
            }
        }
        return members
    }

    private static func checkDepth(_ depth: Int) throws(OTLPDecodingError) {
        guard depth <= OTLPValue.maximumDepth else {
            throw OTLPDecodingError("a value is nested more than \(OTLPValue.maximumDepth) levels deep")
        }
    }

    // MARK: JSON

    /// The records of an OTLP/JSON request: lowerCamelCase keys (or the proto's snake_case), trace and
    /// span ids in hex, 64-bit integers as numbers or decimal strings, bytes in base64.
    static func records(json body: Data) throws(OTLPDecodingError) -> [OTLPLogRecord] {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: body)
        } catch {
            throw OTLPDecodingError("invalid JSON: \((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error.localizedDescription)")
        }
        guard let request = root as? [String: Any] else { throw OTLPDecodingError("the body is not a JSON object") }
        var decoder = OTLPLogsDecoder()
        var records: [OTLPLogRecord] = []
        for resourceLogs in try objects(request, "resourceLogs", "resource_logs") {
            let resource = try object(resourceLogs, "resource", "resource")
            var serviceName: String?
            for attribute in try objects(resource ?? [:], "attributes", "attributes") {
                let (key, value) = try decoder.keyValue(json: attribute, depth: 0)
                if key == "service.name", case .string(let text) = value { serviceName = text }
            }
            for scopeLogs in try objects(resourceLogs, "scopeLogs", "scope_logs") {
                let scopeName = try object(scopeLogs, "scope", "scope").flatMap { $0["name"] as? String } ?? ""
                for json in try objects(scopeLogs, "logRecords", "log_records") {
                    try decoder.spend()
                    var record = try decoder.logRecord(json: json)
                    record.serviceName = serviceName
                    record.scopeName = scopeName
                    records.append(record)
                }
            }
        }
        return records
    }

    private mutating func logRecord(json: [String: Any]) throws(OTLPDecodingError) -> OTLPLogRecord {
        var record = OTLPLogRecord()
        record.time = try Self.unsigned(json, "timeUnixNano", "time_unix_nano")
        record.observedTime = try Self.unsigned(json, "observedTimeUnixNano", "observed_time_unix_nano")
        record.severityNumber = try Self.severityNumber(json["severityNumber"] ?? json["severity_number"])
        record.severityText = try Self.string(json, "severityText", "severity_text")
        if let body = json["body"] {
            guard let body = body as? [String: Any] else { throw OTLPDecodingError("body: not an AnyValue object") }
            record.body = try value(json: body, depth: 0)
        }
        for attribute in try Self.objects(json, "attributes", "attributes") {
            record.attributes.append(try keyValue(json: attribute, depth: 0))
        }
        record.traceID = try Self.hexID(json, "traceId", "trace_id", bytes: 16)
        record.spanID = try Self.hexID(json, "spanId", "span_id", bytes: 8)
        record.eventName = try Self.string(json, "eventName", "event_name")
        return record
    }

    private mutating func keyValue(json: [String: Any], depth: Int) throws(OTLPDecodingError) -> (key: String, value: OTLPValue) {
        try spend()
        let key = try Self.string(json, "key", "key")
        guard let value = json["value"] else { return (key, .string("")) }
        guard let object = value as? [String: Any] else { throw OTLPDecodingError("attribute \(key): value is not an AnyValue object") }
        return (key, try self.value(json: object, depth: depth))
    }

    private mutating func value(json: [String: Any], depth: Int) throws(OTLPDecodingError) -> OTLPValue {
        try spend()
        if let text = json["stringValue"] ?? json["string_value"] {
            guard let text = text as? String else { throw OTLPDecodingError("stringValue is not a string") }
            return .string(text)
        }
        if let flag = json["boolValue"] ?? json["bool_value"] {
            guard Self.isBoolean(flag), let number = flag as? NSNumber else { throw OTLPDecodingError("boolValue is not a boolean") }
            return .bool(number.boolValue)
        }
        if let integer = json["intValue"] ?? json["int_value"] {
            guard let value = Self.int64(integer) else { throw OTLPDecodingError("intValue is not a 64-bit integer") }
            return .int(value)
        }
        if let double = json["doubleValue"] ?? json["double_value"] {
            if let number = double as? NSNumber { return .double(number.doubleValue) }
            if let text = double as? String, let value = Double(text) { return .double(value) }  // "NaN", "Infinity"
            throw OTLPDecodingError("doubleValue is not a number")
        }
        if let bytes = json["bytesValue"] ?? json["bytes_value"] {
            guard let text = bytes as? String, let data = Data(base64Encoded: text) else { throw OTLPDecodingError("bytesValue is not base64") }
            return .bytes(Array(data))
        }
        if let array = try Self.object(json, "arrayValue", "array_value") {
            try Self.checkDepth(depth + 1)
            var values: [OTLPValue] = []
            for element in try Self.objects(array, "values", "values") { values.append(try value(json: element, depth: depth + 1)) }
            return .array(values)
        }
        if let list = try Self.object(json, "kvlistValue", "kvlist_value") {
            try Self.checkDepth(depth + 1)
            var members: [(key: String, value: OTLPValue)] = []
            for member in try Self.objects(list, "values", "values") { members.append(try keyValue(json: member, depth: depth + 1)) }
            return .keyValues(members)
        }
        return .string("")
    }

    private static func object(_ json: [String: Any], _ camel: String, _ snake: String) throws(OTLPDecodingError) -> [String: Any]? {
        guard let value = json[camel] ?? json[snake] else { return nil }
        guard let object = value as? [String: Any] else { throw OTLPDecodingError("\(camel) is not an object") }
        return object
    }

    private static func objects(_ json: [String: Any], _ camel: String, _ snake: String) throws(OTLPDecodingError) -> [[String: Any]] {
        guard let value = json[camel] ?? json[snake] else { return [] }
        guard let array = value as? [Any] else { throw OTLPDecodingError("\(camel) is not an array") }
        var objects: [[String: Any]] = []
        objects.reserveCapacity(array.count)
        for element in array {
            guard let object = element as? [String: Any] else { throw OTLPDecodingError("an element of \(camel) is not an object") }
            objects.append(object)
        }
        return objects
    }

    private static func string(_ json: [String: Any], _ camel: String, _ snake: String) throws(OTLPDecodingError) -> String {
        guard let value = json[camel] ?? json[snake] else { return "" }
        guard let text = value as? String else { throw OTLPDecodingError("\(camel) is not a string") }
        return text
    }

    /// A `fixed64` time: a number or a decimal string.
    private static func unsigned(_ json: [String: Any], _ camel: String, _ snake: String) throws(OTLPDecodingError) -> UInt64 {
        guard let value = json[camel] ?? json[snake] else { return 0 }
        if let text = value as? String, let number = UInt64(text) { return number }
        // The number's own digits: through a Double, a time in nanoseconds (about 2^60) would lose its end.
        if !isBoolean(value), let number = value as? NSNumber, let exact = UInt64(number.stringValue) { return exact }
        throw OTLPDecodingError("\(camel) is not an unsigned 64-bit integer")
    }

    /// Whether JSONSerialization read `value` from `true` or `false` (its booleans are NSNumbers too).
    private static func isBoolean(_ value: Any) -> Bool {
        type(of: value as AnyObject) == type(of: true as NSNumber)
    }

    private static func int64(_ value: Any) -> Int64? {
        if let text = value as? String { return Int64(text) }
        if !isBoolean(value), let number = value as? NSNumber { return Int64(number.stringValue) }
        return nil
    }

    /// A severity number (an integer) or its enum name (`SEVERITY_NUMBER_ERROR`).
    private static func severityNumber(_ value: Any?) throws(OTLPDecodingError) -> UInt64 {
        guard let value else { return 0 }
        if let name = value as? String {
            if let number = UInt64(name) { return number }
            guard let index = severityNames.firstIndex(of: name) else { throw OTLPDecodingError("severityNumber \(name.prefix(40)) is not a severity") }
            return UInt64(index)
        }
        guard let number = int64(value), (0...24).contains(number) else { throw OTLPDecodingError("severityNumber is not 0…24") }
        return UInt64(number)
    }

    /// The `SeverityNumber` enum's names, by number.
    private static let severityNames: [String] = ["SEVERITY_NUMBER_UNSPECIFIED"]
        + ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"].flatMap { level in
            ["", "2", "3", "4"].map { "SEVERITY_NUMBER_\(level)\($0)" }
        }

    /// A trace or span id in hex (OTLP/JSON's exception to base64 for bytes); empty when absent or empty.
    private static func hexID(_ json: [String: Any], _ camel: String, _ snake: String, bytes count: Int) throws(OTLPDecodingError) -> [UInt8] {
        let text = try string(json, camel, snake)
        guard !text.isEmpty else { return [] }
        let digits = Array(text.utf8)
        guard digits.count == count * 2 else { throw OTLPDecodingError("\(camel) is not \(count * 2) hex digits") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexDigit(digits[index]), let low = hexDigit(digits[index + 1]) else {
                throw OTLPDecodingError("\(camel) is not \(count * 2) hex digits")
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
