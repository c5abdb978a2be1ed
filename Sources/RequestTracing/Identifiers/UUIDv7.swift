/// A time-ordered UUID, version 7 (RFC 9562 §5.7).
///
/// Layout: 48 bits of Unix time in milliseconds, the 4-bit version (`0111`), 12 bits `rand_a`, the 2-bit
/// variant (`10`), 62 bits `rand_b`. Ids made by ``generate()`` in one process are strictly increasing:
/// within one millisecond the 74 random bits act as a counter (RFC 9562 §6.2, method 2), so ids sort in
/// the order they were made, both as values and as strings.
///
/// ```swift
/// let id = UUIDv7.generate()
/// print(id)            // 019ab8f1-53c2-7a4e-9c1d-2f0e5b7c8d9a
/// ```
public struct UUIDv7: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The most significant 64 bits: timestamp, version and `rand_a`.
    public let high: UInt64
    /// The least significant 64 bits: variant and `rand_b`.
    public let low: UInt64

    /// Creates a UUIDv7 from its two halves, setting the version and variant bits.
    public init(high: UInt64, low: UInt64) {
        self.high = (high & ~0xF000) | 0x7000
        self.low = (low & ~(0b11 << 62)) | (0b10 << 62)
    }

    /// Makes a new id: unique and strictly increasing within this process.
    public static func generate() -> UUIDv7 {
        UUIDv7Generator.shared.next()
    }

    /// Parses the canonical 8-4-4-4-12 form (either case). Returns `nil` for anything else, including
    /// UUIDs of other versions.
    public init?(_ string: some StringProtocol) {
        let utf8 = Array(string.utf8)
        guard utf8.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var nibbles = 0
        for (index, byte) in utf8.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let lower = byte | 0x20
            guard let digit = Hex.value(ofLowercase: lower) else { return nil }
            if nibbles < 16 { high = high << 4 | digit } else { low = low << 4 | digit }
            nibbles += 1
        }
        guard (high >> 12) & 0xF == 7, low >> 62 == 0b10 else { return nil }
        self.high = high
        self.low = low
    }

    /// Milliseconds since the Unix epoch at which the id was made.
    public var unixMilliseconds: UInt64 { high >> 16 }

    /// The lowercase canonical form, e.g. `019ab8f1-53c2-7a4e-9c1d-2f0e5b7c8d9a`.
    public var description: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            // The 32 digits, then copied in fixed-size pieces around the four dashes.
            var digits = (Hex.sixteenDigits(high), Hex.sixteenDigits(low))
            withUnsafeBytes(of: &digits) { digits in
                let from = digits.baseAddress!
                let out = UnsafeMutableRawPointer(buffer.baseAddress!)
                out.copyMemory(from: from, byteCount: 8)
                out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 8, as: UInt8.self)
                (out + 9).copyMemory(from: from + 8, byteCount: 4)
                out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 13, as: UInt8.self)
                (out + 14).copyMemory(from: from + 12, byteCount: 4)
                out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 18, as: UInt8.self)
                (out + 19).copyMemory(from: from + 16, byteCount: 4)
                out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 23, as: UInt8.self)
                (out + 24).copyMemory(from: from + 20, byteCount: 12)
            }
            return 36
        }
    }

    public static func < (lhs: UUIDv7, rhs: UUIDv7) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
