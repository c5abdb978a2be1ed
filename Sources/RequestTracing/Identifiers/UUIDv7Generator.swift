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
/// The 74 bits after the timestamp are a counter seeded randomly at each new millisecond, with its top
/// bit cleared so that at least 2^73 ids fit in one millisecond before the counter carries into the
/// timestamp. When the clock steps backwards the generator keeps the last timestamp and counts on, so
/// ordering survives clock adjustments.
final class UUIDv7Generator: Sendable {
    struct State {
        var milliseconds: UInt64 = 0
        /// The 12 bits of `rand_a` (high) and 62 bits of `rand_b` (low) as one 74-bit counter.
        var randA: UInt64 = 0
        var randB: UInt64 = 0
    }

    static let shared = UUIDv7Generator()

    private let state = Mutex(State())
    private let clock: @Sendable () -> UInt64

    /// - Parameter clock: Milliseconds since the Unix epoch; tests inject a fixed clock.
    init(clock: @escaping @Sendable () -> UInt64 = UUIDv7Generator.systemMilliseconds) {
        self.clock = clock
    }

    func next() -> UUIDv7 {
        let now = clock()
        let (milliseconds, randA, randB) = state.withLock { state -> (UInt64, UInt64, UInt64) in
            if now > state.milliseconds {
                state.milliseconds = now
                // Drawn only for a new millisecond (a second lock, taken while this one is held; the
                // random source never takes this one).
                let random = IdentifierRandom.next()
                // Top bit of the 74-bit counter cleared: headroom for 2^73 increments.
                state.randA = (random >> 52) & 0x7FF
                state.randB = random & 0x3FFF_FFFF_FFFF_FFFF
            } else {
                state.randB += 1
                if state.randB > 0x3FFF_FFFF_FFFF_FFFF {
                    state.randB = 0
                    state.randA += 1
                    if state.randA > 0xFFF {
                        state.randA = 0
                        state.milliseconds += 1
                    }
                }
            }
            return (state.milliseconds, state.randA, state.randB)
        }
        return UUIDv7(high: milliseconds << 16 | 0x7000 | randA, low: 0b10 << 62 | randB)
    }

    @Sendable
    static func systemMilliseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec) * 1000 + UInt64(spec.tv_nsec) / 1_000_000
    }
}
