import RequestTracing

/// A fast 64-bit hash whose values are the same in every process (unlike `Hasher`, which is seeded
/// per process), so dedup keys written to the store stay meaningful after a restart. Not
/// cryptographic: a sender able to craft collisions could only make its own records look duplicated.
struct StableHasher {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func combine(_ value: UInt64) {
        state = (state ^ (value &* 0xBF58_476D_1CE4_E5B9)).rotatedLeft(by: 27) &* 0x94D0_49BB_1331_11EB
    }

    /// Always inlined: as a call, each string read from an array element to pass to it was retained
    /// before the call and released after (two atomic operations per field of every ingested record).
    @inline(__always)
    mutating func combine(_ text: String?) {
        guard let text else { return combine(0x5EED) }
        text.withContiguousUTF8 { combine(bytes: $0) }
    }

    mutating func combine(bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            combine(UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        combine(tail ^ UInt64(count) << 56)
    }

    /// The final value (a murmur3 finaliser over the state).
    func finalize() -> UInt64 {
        var value = state
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        value &*= 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 33
        return value
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by count: UInt64) -> UInt64 {
        (self << count) | (self >> (64 - count))
    }
}
