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

    /// The lowercase hex digit for `nibble` (0...15).
    @inline(__always)
    static func digit(_ nibble: UInt64) -> UInt8 {
        let value = UInt8(truncatingIfNeeded: nibble)
        return value < 10 ? value &+ UInt8(ascii: "0") : value &+ (UInt8(ascii: "a") &- 10)
    }

    /// Writes `value` as `count` (at most 16) lowercase hex digits, most significant first, to `out`.
    @inline(__always)
    static func write(_ value: UInt64, digits count: Int, to out: UnsafeMutablePointer<UInt8>) {
        if count == 16 {
            UnsafeMutableRawPointer(out).storeBytes(of: eightDigits(UInt32(truncatingIfNeeded: value >> 32)).bigEndian, as: UInt64.self)
            UnsafeMutableRawPointer(out + 8).storeBytes(of: eightDigits(UInt32(truncatingIfNeeded: value)).bigEndian, as: UInt64.self)
            return
        }
        var value = value
        var index = count &- 1
        while index >= 0 {
            out[index] = digit(value & 0xF)
            value &>>= 4
            index &-= 1
        }
    }

    /// The 8 hex digits of `value` as ASCII bytes, most significant digit in the most significant byte
    /// (SWAR: spread the nibbles one per byte, then add `0` or `a` - 10 to each).
    @inline(__always)
    static func eightDigits(_ value: UInt32) -> UInt64 {
        var spread = UInt64(value)
        spread = (spread | spread << 16) & 0x0000_FFFF_0000_FFFF
        spread = (spread | spread << 8) & 0x00FF_00FF_00FF_00FF
        spread = (spread | spread << 4) & 0x0F0F_0F0F_0F0F_0F0F
        // 1 in each byte whose nibble is 10 or more (nibble + 6 carries into bit 4; no byte overflows).
        let letters = ((spread &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return spread &+ 0x3030_3030_3030_3030 &+ letters &* UInt64(UInt8(ascii: "a") - UInt8(ascii: "0") - 10)
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
