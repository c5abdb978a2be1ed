import Synchronization

/// A fast, lock-free pseudo-random source for identifiers.
///
/// Request, trace and span identifiers must be unique and well spread, not secret: the W3C Trace Context
/// specification asks for randomness, not unpredictability. `SystemRandomNumberGenerator` costs a
/// `getrandom(2)` system call per value on Linux, which would dominate id generation, so ids come from
/// wyrand: a 64-bit state advanced by a fixed odd constant and mixed by one full-width multiply, seeded
/// once from the system generator. Advancing the state is one atomic add, so concurrent callers never
/// wait for each other and never receive the same state.
enum IdentifierRandom {
    private static let state = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    /// Returns the next 64 random bits.
    @inline(__always)
    static func next() -> UInt64 {
        mix(state.wrappingAdd(increment, ordering: .relaxed).newValue)
    }

    /// Returns the next 64 random bits, never zero (W3C forbids all-zero trace and span ids).
    @inline(__always)
    static func nextNonZero() -> UInt64 {
        while true {
            let value = next()
            if value != 0 { return value }
        }
    }

    /// wyrand's step between states.
    static let increment: UInt64 = 0xa076_1d64_78bd_642f

    /// wyrand's output function: 64 well-spread bits from a state.
    @inline(__always)
    static func mix(_ state: UInt64) -> UInt64 {
        let product = state.multipliedFullWidth(by: state ^ 0xe703_7ed1_a0b4_28db)
        return product.high ^ product.low
    }
}
