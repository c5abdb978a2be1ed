/// Reads the protocol buffers wire format (https://protobuf.dev/programming-guides/encoding/) from a
/// buffer, field by field, bounds-checked: just what ``OTLPLogsDecoder`` needs to read the few OTLP
/// messages it takes, without a protobuf library and generated code for them (swift-protobuf would add
/// minutes to every clean build for four messages).
///
/// Every read throws ``OTLPDecodingError`` rather than reading past the end; groups (wire types 3
/// and 4, deprecated and not used by OTLP) are refused.
struct ProtobufReader {
    /// How a field's value is encoded.
    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private let bytes: UnsafeRawBufferPointer
    private var index: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.index = 0
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { index >= bytes.count }

    /// The next field's number and wire type, or `nil` at the end of the message.
    mutating func nextField() throws(OTLPDecodingError) -> (number: UInt64, wireType: WireType)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        let number = key >> 3
        guard number > 0 else { throw OTLPDecodingError("field number 0") }
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw OTLPDecodingError("unsupported wire type \(key & 7) for field \(number)")
        }
        return (number, wireType)
    }

    /// A base-128 varint (at most 10 bytes).
    mutating func varint() throws(OTLPDecodingError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64 {
            guard index < bytes.count else { throw OTLPDecodingError("truncated varint") }
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw OTLPDecodingError("varint longer than 10 bytes")
    }

    /// Eight little-endian bytes.
    mutating func fixed64() throws(OTLPDecodingError) -> UInt64 {
        guard bytes.count - index >= 8 else { throw OTLPDecodingError("truncated fixed64") }
        defer { index += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
    }

    /// Four little-endian bytes.
    mutating func fixed32() throws(OTLPDecodingError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw OTLPDecodingError("truncated fixed32") }
        defer { index += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self))
    }

    /// A length-delimited value's bytes (a string, bytes, or an embedded message to read with a reader
    /// of its own).
    mutating func lengthDelimited() throws(OTLPDecodingError) -> UnsafeRawBufferPointer {
        let length = try varint()
        guard length <= UInt64(bytes.count - index) else {
            throw OTLPDecodingError("a length of \(length) bytes runs past the end of its message")
        }
        defer { index += Int(length) }
        return UnsafeRawBufferPointer(rebasing: bytes[index..<index + Int(length)])
    }

    /// A length-delimited value read as UTF-8 (invalid sequences become U+FFFD).
    mutating func string() throws(OTLPDecodingError) -> String {
        String(decoding: try lengthDelimited(), as: UTF8.self)
    }

    /// Calls `body` with the bytes of each occurrence of the length-delimited field `number` of `message`
    /// (a repeated message or string), in order, skipping every other field.
    static func forEach(
        _ number: UInt64, in message: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(OTLPDecodingError) -> Void
    ) throws(OTLPDecodingError) {
        var reader = ProtobufReader(message)
        while let field = try reader.nextField() {
            if field.number == number, field.wireType == .lengthDelimited {
                try body(try reader.lengthDelimited())
            } else {
                try reader.skip(field.wireType)
            }
        }
    }

    /// Skips a value of `wireType`.
    mutating func skip(_ wireType: WireType) throws(OTLPDecodingError) {
        switch wireType {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .fixed32: _ = try fixed32()
        case .lengthDelimited: _ = try lengthDelimited()
        }
    }
}
