/// A token bucket that may go into debt: a batch is admitted whole while the bucket holds a whole token
/// (so batches larger than the burst still pass at the sustained rate), and refused while in debt.
struct TokenBucket {
    /// Tokens added per second.
    let rate: Double
    /// Most tokens held.
    let burst: Double
    private(set) var tokens: Double
    private var updatedAt: Int64  // monotonic microseconds

    init(rate: Double, burst: Double, now: Int64) {
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updatedAt = now
    }

    mutating func refill(now: Int64) {
        guard now > updatedAt else { return }
        tokens = min(burst, tokens + Double(now - updatedAt) / 1e6 * rate)
        updatedAt = now
    }

    /// Seconds until the bucket can admit again (holds a whole token), or `nil` when it can admit now.
    func retryAfter() -> Double? {
        tokens >= 1 ? nil : (1 - tokens) / rate
    }

    mutating func take(_ count: Int) {
        tokens -= Double(count)
    }

    /// True when the bucket is full (indistinguishable from a new one, so it can be forgotten).
    var isFull: Bool { tokens >= burst }
}
