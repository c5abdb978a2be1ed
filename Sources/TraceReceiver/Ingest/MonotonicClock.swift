import Dispatch

/// Monotonic time in microseconds, for rate limits and expiry (never goes back with the wall clock).
enum MonotonicClock {
    static func microseconds() -> Int64 {
        Int64(DispatchTime.now().uptimeNanoseconds / 1000)
    }
}
