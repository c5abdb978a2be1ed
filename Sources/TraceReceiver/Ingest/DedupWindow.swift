import NIOCore

/// Remembers the dedup keys of recently accepted records, bounded both by age and by count (oldest
/// forgotten first), so a resent record is recognised and stored once.
struct DedupWindow {
    /// How long a key is remembered, in microseconds.
    let window: Int64
    /// Most keys remembered.
    let capacity: Int

    private var keys: Set<UInt64> = []
    private var order = CircularBuffer<(key: UInt64, at: Int64)>()

    init(window: Duration, capacity: Int) {
        self.window = window.microseconds
        self.capacity = max(1, capacity)
        keys.reserveCapacity(min(self.capacity, 1 << 16))
    }

    var count: Int { keys.count }

    func contains(_ key: UInt64) -> Bool { keys.contains(key) }

    /// Records `key`; returns `false` when it was already present (a duplicate).
    mutating func insert(_ key: UInt64, now: Int64) -> Bool {
        expire(now: now)
        guard keys.insert(key).inserted else { return false }
        order.append((key, now))
        if order.count > capacity, let oldest = order.popFirst() { keys.remove(oldest.key) }
        return true
    }

    /// Forgets `key` (used when storing the record failed, so a retry is not taken for a duplicate).
    mutating func remove(_ key: UInt64) {
        keys.remove(key)
    }

    private mutating func expire(now: Int64) {
        while let oldest = order.first, oldest.at < now - window {
            order.removeFirst()
            keys.remove(oldest.key)
        }
    }
}

