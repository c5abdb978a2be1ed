/// Lowercase hexadecimal encoding and strict decoding for identifiers.
enum Hex {
    @usableFromInline
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes `value` as `count` lowercase hex digits (most significant first) starting at `offset`.
    @inline(__always)
    static func write(_ value: UInt64, digits count: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var value = value
        var index = offset + count - 1
        while index >= offset {
            buffer[index] = digits[Int(value & 0xF)]
            value >>= 4
            index -= 1
        }
    }

    /// Encodes `value` as a string of exactly `count` lowercase hex digits.
    static func string(_ value: UInt64, digits count: Int) -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            write(value, digits: count, into: buffer, at: 0)
            return count
        }
    }

    /// The value of one lowercase hex digit, or `nil` (uppercase is rejected, as W3C Trace Context requires).
    @inline(__always)
    static func value(ofLowercase byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte &- UInt8(ascii: "a") &+ 10)
        default: nil
        }
    }

    /// Decodes up to 16 lowercase hex digits.
    static func decode<C: Collection<UInt8>>(_ bytes: C) -> UInt64? {
        guard bytes.count <= 16 else { return nil }
        var result: UInt64 = 0
        for byte in bytes {
            guard let digit = value(ofLowercase: byte) else { return nil }
            result = result << 4 | digit
        }
        return result
    }
}
