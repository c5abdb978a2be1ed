import Synchronization

/// Token buckets per key (a service name, a client address), with a bound on how many keys are tracked.
/// When the bound is reached, full buckets (which behave like new ones) are forgotten; if none is full,
/// the new key shares a single overflow bucket, so memory stays bounded under a flood of distinct keys.
final class KeyedRateLimiter: Sendable {
    /// The outcome of asking for tokens.
    enum Decision: Equatable {
        case admitted
        /// Refused; the caller should retry after this many seconds.
        case limited(retryAfter: Double)
    }

    private struct State {
        var buckets: [String: TokenBucket] = [:]
    }

    let rate: Double
    let burst: Double
    let maximumKeys: Int
    private static let overflowKey = "\u{0}overflow"
    private let state = Mutex(State())

    init(rate: Double, burst: Double, maximumKeys: Int = 10_000) {
        self.rate = rate
        self.burst = burst
        self.maximumKeys = maximumKeys
    }

    /// Takes `counts[key]` tokens from every key's bucket if all of them can admit now; otherwise takes
    /// nothing and returns the longest wait among the refusing buckets.
    func admit(_ counts: [String: Int], now: Int64 = MonotonicClock.microseconds()) -> Decision {
        state.withLock { state in
            var wait = 0.0
            var keys: [String] = []
            keys.reserveCapacity(counts.count)
            for key in counts.keys {
                let slot = slot(for: key, in: &state, now: now)
                keys.append(slot)
                state.buckets[slot]!.refill(now: now)
                if let retry = state.buckets[slot]!.retryAfter() { wait = max(wait, retry) }
            }
            guard wait == 0 else { return .limited(retryAfter: wait) }
            for (key, slot) in zip(counts.keys, keys) { state.buckets[slot]!.take(counts[key]!) }
            return .admitted
        }
    }

    /// Takes one token for `key`.
    func admit(_ key: String, now: Int64 = MonotonicClock.microseconds()) -> Decision {
        admit([key: 1], now: now)
    }

    var trackedKeys: Int { state.withLock { $0.buckets.count } }

    private func slot(for key: String, in state: inout State, now: Int64) -> String {
        if state.buckets[key] != nil { return key }
        if state.buckets.count >= maximumKeys {
            state.buckets = state.buckets.filter { _, bucket in
                var bucket = bucket
                bucket.refill(now: now)
                return !bucket.isFull
            }
        }
        if state.buckets.count >= maximumKeys {
            if state.buckets[Self.overflowKey] == nil {
                state.buckets[Self.overflowKey] = TokenBucket(rate: rate, burst: burst, now: now)
            }
            return Self.overflowKey
        }
        state.buckets[key] = TokenBucket(rate: rate, burst: burst, now: now)
        return key
    }
}
