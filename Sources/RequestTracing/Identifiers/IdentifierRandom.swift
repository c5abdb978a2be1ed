import Synchronization

/// A fast, lock-protected pseudo-random source for identifiers.
///
/// Request, trace and span identifiers must be unique and well spread, not secret: the W3C Trace Context
/// specification asks for randomness, not unpredictability. `SystemRandomNumberGenerator` costs a
/// `getrandom(2)` system call per value on Linux, which would dominate id generation, so ids come from a
/// wyrand generator seeded once from the system generator. Each call takes an uncontended `Mutex`.
enum IdentifierRandom {
    private static let state = Mutex<UInt64>(UInt64.random(in: .min ... .max))

    /// Returns the next 64 random bits.
    @inline(__always)
    static func next() -> UInt64 {
        state.withLock { state in
            state &+= 0xa076_1d64_78bd_642f
            let product = state.multipliedFullWidth(by: state ^ 0xe703_7ed1_a0b4_28db)
            return product.high ^ product.low
        }
    }

    /// Returns the next 64 random bits, never zero (W3C forbids all-zero trace and span ids).
    @inline(__always)
    static func nextNonZero() -> UInt64 {
        while true {
            let value = next()
            if value != 0 { return value }
        }
    }
}
