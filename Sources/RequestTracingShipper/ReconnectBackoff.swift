/// Exponential backoff with jitter: the n-th consecutive failure waits a random time between half and all of
/// `minimum × 2ⁿ`, capped at `maximum`, so many services restarting together do not reconnect in step.
struct ReconnectBackoff {
    let minimum: Duration
    let maximum: Duration
    private(set) var failures = 0

    init(minimum: Duration, maximum: Duration) {
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
    }

    /// The delay before the next attempt, counting one more failure.
    mutating func nextDelay<Generator: RandomNumberGenerator>(using generator: inout Generator) -> Duration {
        let ceiling = failures >= 30 ? maximum : min(maximum, minimum * (1 << failures))
        failures += 1
        let fraction = Double.random(in: 0.5...1, using: &generator)
        return ceiling * fraction
    }

    mutating func nextDelay() -> Duration {
        var generator = SystemRandomNumberGenerator()
        return nextDelay(using: &generator)
    }

    /// Starts again from the minimum after a successful connection.
    mutating func reset() {
        failures = 0
    }
}
