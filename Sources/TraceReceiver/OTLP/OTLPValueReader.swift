import Foundation

/// Reads what every OTLP signal shares, from protobuf or OTLP/JSON: `AnyValue`s and `KeyValue`s, a
/// resource's `service.name` and a scope's name, within one request's bounds: values nested at most
/// ``OTLPValue/maximumDepth`` deep, and at most ``maximumItems`` items (records, spans, events,
/// attributes and values) in all, so a small body cannot make the decoder build a huge one in memory.
struct OTLPValueReader {
    /// Most items read from one request.
    static let maximumItems = 1_000_000

    private var budget = maximumItems

    /// Counts one more item read; throws past ``maximumItems``.
    mutating func spend() throws(OTLPDecodingError) {
        budget -= 1
        guard budget >= 0 else { throw OTLPDecodingError("more than \(Self.maximumItems) items (records, attributes, values) in one request") }
    }

    private static func checkDepth(_ depth: Int) throws(OTLPDecodingError) {
        guard depth <= OTLPValue.maximumDepth else {
            throw OTLPDecodingError("a value is nested more than \(OTLPValue.maximumDepth) levels deep")
        }
    }

    // MARK: Protobuf

    /// A `Resource`'s `service.name` attribute.
    mutating func serviceName(ofResource bytes: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> String? {
        var name: String?
        try ProtobufReader.forEach(1, in: bytes) { bytes throws(OTLPDecodingError) in
            let attribute = try keyValue(bytes)
            if attribute.key == "service.name", case .string(let text) = attribute.value { name = text }
        }
        return name
    }

    /// An `InstrumentationScope`'s name.
    func name(ofScope bytes: UnsafeRawBufferPointer) throws(OTLPDecodingError) -> String {
        var name = ""
        try ProtobufReader.forEach(1, in: bytes) { name = String(decoding: $0, as: UTF8.self) }
        return name
    }

    /// A `KeyValue`.
    mutating func keyValue(_ bytes: UnsafeRawBufferPointer, depth: Int = 0) throws(OTLPDecodingError) -> (key: String, value: OTLPValue) {
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
    mutating func value(_ bytes: UnsafeRawBufferPointer, depth: Int = 0) throws(OTLPDecodingError) -> OTLPValue {
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
        var values: [OTLPValue] = []
        try ProtobufReader.forEach(1, in: bytes) { bytes throws(OTLPDecodingError) in values.append(try value(bytes, depth: depth)) }
        return values
    }

    /// A `KeyValueList`'s members.
    private mutating func keyValues(_ bytes: UnsafeRawBufferPointer, depth: Int) throws(OTLPDecodingError) -> [(key: String, value: OTLPValue)] {
        try Self.checkDepth(depth)
        var members: [(key: String, value: OTLPValue)] = []
        try ProtobufReader.forEach(1, in: bytes) { bytes throws(OTLPDecodingError) in members.append(try keyValue(bytes, depth: depth)) }
        return members
    }

    // MARK: JSON

    /// A resource object's `service.name` attribute.
    mutating func serviceName(ofResource resource: OTLPJSON.Object?) throws(OTLPDecodingError) -> String? {
        var name: String?
        for attribute in try OTLPJSON.objects(resource ?? [:], "attributes", "attributes") {
            let (key, value) = try keyValue(json: attribute)
            if key == "service.name", case .string(let text) = value { name = text }
        }
        return name
    }

    /// The `attributes` array of `json`.
    mutating func attributes(json: OTLPJSON.Object) throws(OTLPDecodingError) -> [(key: String, value: OTLPValue)] {
        var attributes: [(key: String, value: OTLPValue)] = []
        for attribute in try OTLPJSON.objects(json, "attributes", "attributes") { attributes.append(try keyValue(json: attribute)) }
        return attributes
    }

    mutating func keyValue(json: OTLPJSON.Object, depth: Int = 0) throws(OTLPDecodingError) -> (key: String, value: OTLPValue) {
        try spend()
        let key = try OTLPJSON.string(json, "key", "key")
        guard let value = json["value"] else { return (key, .string("")) }
        guard let object = value as? OTLPJSON.Object else { throw OTLPDecodingError("attribute \(key): value is not an AnyValue object") }
        return (key, try self.value(json: object, depth: depth))
    }

    mutating func value(json: OTLPJSON.Object, depth: Int = 0) throws(OTLPDecodingError) -> OTLPValue {
        try spend()
        if let text = json["stringValue"] ?? json["string_value"] {
            guard let text = text as? String else { throw OTLPDecodingError("stringValue is not a string") }
            return .string(text)
        }
        if let flag = json["boolValue"] ?? json["bool_value"] {
            guard OTLPJSON.isBoolean(flag), let number = flag as? NSNumber else { throw OTLPDecodingError("boolValue is not a boolean") }
            return .bool(number.boolValue)
        }
        if let integer = json["intValue"] ?? json["int_value"] {
            guard let value = OTLPJSON.int64(integer) else { throw OTLPDecodingError("intValue is not a 64-bit integer") }
            return .int(value)
        }
        if let double = json["doubleValue"] ?? json["double_value"] {
            if !OTLPJSON.isBoolean(double), let number = double as? NSNumber { return .double(number.doubleValue) }
            if let text = double as? String, let value = Double(text) { return .double(value) }  // "NaN", "Infinity"
            throw OTLPDecodingError("doubleValue is not a number")
        }
        if let bytes = json["bytesValue"] ?? json["bytes_value"] {
            guard let text = bytes as? String, let data = Data(base64Encoded: text) else { throw OTLPDecodingError("bytesValue is not base64") }
            return .bytes(Array(data))
        }
        if let array = try OTLPJSON.object(json, "arrayValue", "array_value") {
            try Self.checkDepth(depth + 1)
            var values: [OTLPValue] = []
            for element in try OTLPJSON.objects(array, "values", "values") { values.append(try value(json: element, depth: depth + 1)) }
            return .array(values)
        }
        if let list = try OTLPJSON.object(json, "kvlistValue", "kvlist_value") {
            try Self.checkDepth(depth + 1)
            var members: [(key: String, value: OTLPValue)] = []
            for member in try OTLPJSON.objects(list, "values", "values") { members.append(try keyValue(json: member, depth: depth + 1)) }
            return .keyValues(members)
        }
        return .string("")
    }
}
