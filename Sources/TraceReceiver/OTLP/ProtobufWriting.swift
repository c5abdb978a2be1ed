/// Writes the few protobuf messages the receiver answers OTLP exports with (export responses with their
/// `partial_success`, `google.rpc.Status`), field by field; the counterpart of ``ProtobufReader``.
enum ProtobufWriting {
    /// A base-128 varint.
    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Field `number` holding a varint.
    static func appendField(_ number: UInt64, varint value: UInt64, to bytes: inout [UInt8]) {
        appendVarint(number << 3 | UInt64(ProtobufReader.WireType.varint.rawValue), to: &bytes)
        appendVarint(value, to: &bytes)
    }

    /// Field `number` holding `value`'s bytes (a string, or an embedded message).
    static func appendField(_ number: UInt64, bytes value: some Collection<UInt8>, to bytes: inout [UInt8]) {
        appendVarint(number << 3 | UInt64(ProtobufReader.WireType.lengthDelimited.rawValue), to: &bytes)
        appendVarint(UInt64(value.count), to: &bytes)
        bytes.append(contentsOf: value)
    }
}
