/// Lowercase hexadecimal encoding and strict decoding for identifiers.
enum Hex {
    /// Writes `value` as `count` lowercase hex digits (most significant first) starting at `offset`.
    @inline(__always)
    static func write(_ value: UInt64, digits count: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        precondition(count >= 1 && count <= 16 && offset >= 0 && offset + count <= buffer.count)
        write(value, digits: count, to: buffer.baseAddress! + offset)
    }

    /// The lowercase hex digit for `nibble` (0...15).
    @inline(__always)
    static func digit(_ nibble: UInt64) -> UInt8 {
        let value = UInt8(truncatingIfNeeded: nibble)
        return value < 10 ? value &+ UInt8(ascii: "0") : value &+ (UInt8(ascii: "a") &- 10)
    }

    /// Writes `value` as `count` (1 to 16) lowercase hex digits, most significant first, to `out`.
    @inline(__always)
    static func write(_ value: UInt64, digits count: Int, to out: UnsafeMutablePointer<UInt8>) {
        // All 16 digits, of which the last `count` are the ones asked for.
        var digits = sixteenDigits(value)
        withUnsafeBytes(of: &digits) { digits in
            UnsafeMutableRawPointer(out).copyMemory(from: digits.baseAddress! + (16 &- count), byteCount: count)
        }
    }

    /// The 16 hex digits of `value` as ASCII bytes, in two words that hold the digits in memory order
    /// (most significant digit at the lowest address).
    @inline(__always)
    static func sixteenDigits(_ value: UInt64) -> (UInt64, UInt64) {
        (
            eightDigits(UInt32(truncatingIfNeeded: value >> 32)).bigEndian,
            eightDigits(UInt32(truncatingIfNeeded: value)).bigEndian
        )
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
