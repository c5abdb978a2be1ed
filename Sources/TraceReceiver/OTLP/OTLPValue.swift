import RequestTracing

/// An OTLP `AnyValue`: what a log record's body and attribute values hold. (Not `indirect`: the nested
/// cases hold arrays, already on the heap, and boxing every scalar would cost an allocation per value.)
enum OTLPValue: Equatable, Sendable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([OTLPValue])
    case keyValues([(key: String, value: OTLPValue)])

    /// Deepest nesting of arrays and key-value lists read; deeper values make the request invalid (a
    /// few bytes per level could otherwise make the decoder recurse millions of times).
    static let maximumDepth = 32

    static func == (lhs: OTLPValue, rhs: OTLPValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
        case (.bytes(let a), .bytes(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.keyValues(let a), .keyValues(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// The value as text: a string as it is, anything else as its JSON.
    var text: String {
        if case .string(let text) = self { return text }
        var writer = JSONWriter(capacity: 64)
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes `bytes` as a JSON string of lowercase hex digits, without making a `String` of them.
    static func writeHex(_ bytes: [UInt8], to writer: inout JSONWriter) {
        writer.byte(UInt8(ascii: "\""))
        writer.appendFixed(count: bytes.count * 2) { out in
            for (index, byte) in bytes.enumerated() {
                out[2 * index] = hexDigits[Int(byte >> 4)]
                out[2 * index + 1] = hexDigits[Int(byte & 0x0F)]
            }
        }
        writer.byte(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes the value as JSON: bytes as lowercase hex, a key-value list as an object (a key given
    /// twice keeps its last value, as JSON readers do), a number that JSON cannot hold (NaN, ±∞) as a
    /// string.
    func write(to writer: inout JSONWriter) {
        switch self {
        case .string(let text): writer.string(text)
        case .bool(let value): writer.raw(value ? "true" : "false")
        case .int(let value): writer.integer(value)
        case .double(let value):
            if value.isFinite { writer.decimal(value) } else { writer.string(String(value)) }
        case .bytes(let value): Self.writeHex(value, to: &writer)
        case .array(let values):
            writer.byte(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                value.write(to: &writer)
            }
            writer.byte(UInt8(ascii: "]"))
        case .keyValues(let members):
            writer.byte(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.string(member.key)
                writer.byte(UInt8(ascii: ":"))
                member.value.write(to: &writer)
            }
            writer.byte(UInt8(ascii: "}"))
        }
    }
}
