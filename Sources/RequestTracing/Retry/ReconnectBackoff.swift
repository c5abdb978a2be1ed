/// Delays between reconnection attempts: exponential, capped, with random jitter so several clients
/// that lost the same server (log shippers, ssh tailers) do not reconnect in lockstep.
public struct ReconnectBackoff: Sendable, Hashable {
    /// Default ``initialDelay``: 500 ms.
    public static let defaultInitialDelay = Duration.milliseconds(500)
    /// Default ``maximumDelay``: 30 s.
    public static let defaultMaximumDelay = Duration.seconds(30)
    /// Default ``multiplier``: 2.
    public static let defaultMultiplier = 2.0
    /// Default ``jitter``: ±20 %.
    public static let defaultJitter = 0.2

    /// Delay before the first retry after a connection ends.
    public var initialDelay: Duration
    /// The delay stops growing here.
    public var maximumDelay: Duration
    /// Growth factor per consecutive failure.
    public var multiplier: Double
    /// Fraction of the delay added or removed at random (0 turns jitter off).
    public var jitter: Double

    /// Creates a backoff policy; unspecified values take their defaults.
    public init(
        initialDelay: Duration = Self.defaultInitialDelay,
        maximumDelay: Duration = Self.defaultMaximumDelay,
        multiplier: Double = Self.defaultMultiplier,
        jitter: Double = Self.defaultJitter
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// The delay before the next attempt after `failures` consecutive failed attempts (0 when the last
    /// connection worked and then ended).
    public func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let initial = max(0, Self.seconds(initialDelay))
        let maximum = max(initial, Self.seconds(maximumDelay))
        let growth = power(max(1, multiplier), Double(max(0, failures - 1)))
        let base = min(maximum, initial * growth)
        let spread = min(max(0, jitter), 1)
        let factor = spread > 0 ? Double.random(in: (1 - spread)...(1 + spread), using: &generator) : 1
        return .milliseconds(Int64((min(maximum, base * factor) * 1000).rounded()))
    }

    /// ``delay(afterFailures:using:)`` with the system's random generator.
    public func delay(afterFailures failures: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, using: &generator)
    }

    /// `base` to a whole `exponent`, stopping before it overflows.
    private func power(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0
        var remaining = Int(exponent)
        while remaining > 0, result < .greatestFiniteMagnitude / base {
            result *= base
            remaining -= 1
        }
        return result
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
