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

    private struct Entry {
        let exact: UInt64?
        let content: UInt64
        let at: Int64
    }

    /// How long a record is remembered, in microseconds.
    let window: Int64
    /// Most records remembered.
    let capacity: Int

    private var exactKeys: Set<UInt64> = []
    private var contentKeys: [UInt64: Origins] = [:]
    private var order = CircularBuffer<Entry>()

    init(window: Duration, capacity: Int) {
        self.window = window.microseconds
        self.capacity = max(1, capacity)
        exactKeys.reserveCapacity(min(self.capacity, 1 << 16))
        contentKeys.reserveCapacity(min(self.capacity, 1 << 16))
    }

    /// Records remembered.
    var count: Int { order.count }

    /// Records the record with `keys` as seen; returns `false` when it duplicates one already seen.
    mutating func admit(_ keys: DedupKeys, now: Int64) -> Bool {
        expire(now: now)
        let exact = keys.exact
        let content = keys.content
        let origin: Origins = keys.isCapture ? .capture : .direct
        if let exact, exactKeys.contains(exact) { return false }
        // One probe of the table finds the fingerprint's entry or adds an empty one, which is always
        // admitted (so no empty entry stays behind).
        func admit(_ seen: inout Origins) -> Bool {
            let duplicate = exact == nil ? !seen.isEmpty : seen.contains(origin == .capture ? .direct : .capture)
            if !duplicate { seen.formUnion(origin) }
            return !duplicate
        }
        guard admit(&contentKeys[content, default: []]) else { return false }
        if let exact { exactKeys.insert(exact) }
        order.append(Entry(exact: exact, content: content, at: now))
        if order.count > capacity, let oldest = order.popFirst() { forget(oldest) }
        return true
    }

    /// Remembers a stored record's dedup key (from ``LogStore/recentDedupKeys(limit:)``) after a restart.
    /// The key is exact or a fingerprint — which one is not stored — so it is remembered as both.
    mutating func seed(_ key: UInt64, now: Int64) {
        exactKeys.insert(key)
        contentKeys[key] = [.capture, .direct]
        order.append(Entry(exact: key, content: key, at: now))
        if order.count > capacity, let oldest = order.popFirst() { forget(oldest) }
    }

    /// Forgets the record with `keys` (used when storing it failed, so a retry is not taken for a duplicate).
    mutating func remove(_ keys: DedupKeys) {
        if let exact = keys.exact { exactKeys.remove(exact) }
        contentKeys.removeValue(forKey: keys.content)
    }

    private mutating func expire(now: Int64) {
        while let oldest = order.first, oldest.at < now - window {
            order.removeFirst()
            forget(oldest)
        }
    }

    private mutating func forget(_ entry: Entry) {
        if let exact = entry.exact { exactKeys.remove(exact) }
        contentKeys.removeValue(forKey: entry.content)
    }
}
