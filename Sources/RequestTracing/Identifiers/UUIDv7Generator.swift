#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Makes UUIDv7 values that are strictly increasing within the process.
///
/// The 74 bits after the timestamp are a counter (RFC 9562 §6.2, method 2): at each new millisecond it
/// starts from a pseudo-random value with its top bit cleared, and each further id in that millisecond
/// adds one. The generator's whole state is one atomic word, the last millisecond used and the number of
/// ids issued in it, so concurrent callers take no lock; the millisecond's starting value is not stored
/// but derived from the millisecond by a keyed mix (``IdentifierRandom/mix(_:)``), which gives every
/// process its own sequence. The top bit cleared leaves room for 2^73 increments, far more than the
/// 2^16 ids a millisecond can number before the count carries into the timestamp (65 million ids a
/// second). When the clock steps backwards the generator keeps the last millisecond and counts on, so
/// ordering survives clock adjustments.
final class UUIDv7Generator: Sendable {
    static let shared = UUIDv7Generator()

    /// The last id issued, as `milliseconds << 16 | ids issued before it in that millisecond`.
    private let last = Atomic<UInt64>(0)
    /// Makes this generator's counter starting points differ from every other process's.
    private let key = UInt64.random(in: .min ... .max)
    private let clock: @Sendable () -> UInt64

    /// - Parameter clock: Milliseconds since the Unix epoch; tests inject a fixed clock.
    init(clock: @escaping @Sendable () -> UInt64 = UUIDv7Generator.systemMilliseconds) {
        self.clock = clock
    }

    func next() -> UUIDv7 {
        let now = clock() << 16
        var last = self.last.load(ordering: .relaxed)
        var issued: UInt64
        while true {
            issued = max(now, last &+ 1)
            let (exchanged, current) = self.last.compareExchange(expected: last, desired: issued, ordering: .relaxed)
            if exchanged { break }
            last = current
        }
        let milliseconds = issued >> 16
        // The millisecond's 74-bit starting value (top bit clear) plus the id's number within it.
        let startB = IdentifierRandom.mix(milliseconds &* IdentifierRandom.increment ^ key) & Self.randBMask
        let startA = IdentifierRandom.mix(startB ^ key) & 0x7FF
        let randB = startB + (issued & 0xFFFF)
        let randA = startA + (randB >> 62)
        return UUIDv7(high: milliseconds << 16 | 0x7000 | randA, low: 0b10 << 62 | randB & Self.randBMask)
    }

    /// The 62 bits of `rand_b`.
    private static let randBMask: UInt64 = 0x3FFF_FFFF_FFFF_FFFF

    @Sendable
    static func systemMilliseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1000 + UInt64(spec.tv_nsec) / 1_000_000
    }
}
