import NIOCore

/// Remembers recently accepted records, bounded both by age and by count (oldest forgotten first), so a
/// record sent twice is stored once.
///
/// Two kinds of sameness are recognised:
/// - **Exact**: the same sender `instance` and `seq` — a batch replayed after a reconnect or restart.
/// - **Content**: the same ``DedupKeys/content``. A record without `instance`/`seq` is a
///   duplicate of any earlier record with the same content. A record *with* them is compared by content
///   only across the capture boundary: a captured line (`source: capture`) duplicates a record the program
///   streamed directly, and the other way round, but two streamed records that happen to say the same
///   thing in the same microsecond are both kept.
struct DedupWindow {
    /// Where the records a fingerprint was seen on came from.
    private struct Origins: OptionSet {
        let rawValue: UInt8
        static let capture = Origins(rawValue: 1)
        static let direct = Origins(rawValue: 2)
    }

    /// A remembered record, in 24 bytes: an optional would pad the entry to 32.
    private struct Entry {
        let content: UInt64
        /// The exact key, or 0 for none (so an exact key that hashes to 0, one in 2^64, is never forgotten).
        private let exactOrZero: UInt64
        let at: Int64

        init(exact: UInt64?, content: UInt64, at: Int64) {
            self.content = content
            self.exactOrZero = exact ?? 0
            self.at = at
        }

        var exact: UInt64? { exactOrZero == 0 ? nil : exactOrZero }
    }

    /// How long a record is remembered, in microseconds.
    let window: Int64
    /// Most records remembered.
    let capacity: Int

    private var exactKeys: FingerprintTable
    /// Each fingerprint with the ``Origins`` of the records it was seen on.
    private var contentKeys: FingerprintTable
    private var order = CircularBuffer<Entry>()
    /// The slots ``admit(_:now:)`` loaded ahead of a batch, folded together and kept so the loads are made.
    private var touched: UInt64 = 0

    init(window: Duration, capacity: Int) {
        self.window = window.microseconds
        self.capacity = max(1, capacity)
        exactKeys = FingerprintTable(minimumCapacity: min(self.capacity, 1 << 16))
        contentKeys = FingerprintTable(minimumCapacity: min(self.capacity, 1 << 16))
    }

    /// Records remembered.
    var count: Int { order.count }

    /// Admits a batch of records in order, as the one-record `admit` does; each element of the result
    /// is `false` when that record duplicates one seen before, earlier in the batch included.
    ///
    /// The table slots the batch will probe, and those of the records it will push out of the window, are
    /// loaded first in a loop with nothing else to do, so their cache misses overlap instead of each
    /// lookup waiting on its own.
    mutating func admit(_ batch: [DedupKeys], now: Int64) -> [Bool] {
        expire(now: now)
        var touched = self.touched
        for keys in batch {
            touched ^= contentKeys.touch(keys.content)
            if let exact = keys.exact { touched ^= exactKeys.touch(exact) }
        }
        var leaving = order.startIndex
        for _ in 0..<min(order.count, max(0, order.count + batch.count - capacity)) {
            touched ^= contentKeys.touch(order[leaving].content)
            if let exact = order[leaving].exact { touched ^= exactKeys.touch(exact) }
            leaving = order.index(after: leaving)
        }
        self.touched = touched
        var admitted: [Bool] = []
        admitted.reserveCapacity(batch.count)
        for keys in batch { admitted.append(admit(keys, now: now)) }
        return admitted
    }

    /// Records the record with `keys` as seen; returns `false` when it duplicates one already seen.
    mutating func admit(_ keys: DedupKeys, now: Int64) -> Bool {
        expire(now: now)
        let exact = keys.exact
        let origin: Origins = keys.isCapture ? .capture : .direct
        if let exact, exactKeys.contains(exact) { return false }
        let seen = contentKeys.flags(of: keys.content).map { Origins(rawValue: $0) } ?? []
        let duplicate = exact == nil ? !seen.isEmpty : seen.contains(origin == .capture ? .direct : .capture)
        if duplicate { return false }
        contentKeys.set(keys.content, flags: seen.union(origin).rawValue)
        if let exact { exactKeys.set(exact) }
        order.append(Entry(exact: exact, content: keys.content, at: now))
        if order.count > capacity, let oldest = order.popFirst() { forget(oldest) }
        return true
    }

    /// Remembers a stored record's dedup key (from ``LogStore/recentDedupKeys(limit:)``) after a restart.
    /// The key is exact or a fingerprint — which one is not stored — so it is remembered as both.
    mutating func seed(_ key: UInt64, now: Int64) {
        exactKeys.set(key)
        contentKeys.set(key, flags: Origins([.capture, .direct]).rawValue)
        order.append(Entry(exact: key, content: key, at: now))
        if order.count > capacity, let oldest = order.popFirst() { forget(oldest) }
    }

    /// Forgets the record with `keys` (used when storing it failed, so a retry is not taken for a duplicate).
    mutating func remove(_ keys: DedupKeys) {
        if let exact = keys.exact { exactKeys.remove(exact) }
        contentKeys.remove(keys.content)
    }

    private mutating func expire(now: Int64) {
        while let oldest = order.first, oldest.at < now - window {
            order.removeFirst()
            forget(oldest)
        }
    }

    private mutating func forget(_ entry: Entry) {
        if let exact = entry.exact { exactKeys.remove(exact) }
        contentKeys.remove(entry.content)
    }
}
