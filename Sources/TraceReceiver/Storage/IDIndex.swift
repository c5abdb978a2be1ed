/// The hot buffer's index from a request id or trace id to the ids of the records carrying it.
///
/// Keys are a ``StableHasher`` hash of the id text rather than the text itself, so inserting costs no
/// string hashing, comparing or reference counting. Two ids may share a hash, so ``ids(for:from:)`` can
/// return extra records; callers check the record's own id.
///
/// The index is cut into segments of ``segmentSpan`` consecutive record ids, each a table of its own.
/// Records are evicted oldest first, so a segment is dropped whole once all of its records are gone
/// (``forget(before:)``) and eviction never looks a key up; deleting keys one by one from a single table
/// of a million entries was a fifth of the buffer's ingest time, almost all of it cache misses. New
/// records go into the newest segment, whose table is small enough to stay in the processor's cache.
/// A lookup probes every segment, a few dozen probes for a full buffer, which queries can afford.
struct IDIndex {
    private struct Segment {
        /// The first record id this segment holds; it holds ids below `first + segmentSpan`.
        let first: Int64
        var lists: [UInt64: IDList] = [:]
    }

    /// Record ids per segment.
    let segmentSpan: Int64
    private var segments: [Segment] = []
    /// Segments before this index have been forgotten (a moving head, compacted now and then, so
    /// forgetting never shifts the array).
    private var head = 0

    init(segmentSpan: Int64 = 16_384) {
        precondition(segmentSpan > 0)
        self.segmentSpan = segmentSpan
    }

    /// Segments held.
    var segmentCount: Int { segments.count - head }

    /// The index key of an id's text; never 0, which stands for "no id" (and is the key of `nil`).
    /// Always inlined, as `StableHasher.combine(_:)` for strings is, so an id read from a record in an
    /// array is not retained and released around a call.
    @inline(__always)
    static func key(_ id: String?) -> UInt64 {
        guard let id else { return 0 }
        var hasher = StableHasher()
        hasher.combine(id)
        return max(1, hasher.finalize())
    }

    /// Adds record `id` under `key`; ids must be appended in increasing order.
    mutating func append(_ id: Int64, key: UInt64) {
        if head == segments.count || id >= segments[segments.count - 1].first + segmentSpan {
            segments.append(Segment(first: id))
        }
        segments[segments.count - 1].lists[key, default: IDList()].append(id)
    }

    /// Drops the segments whose records all have ids below `firstID` (the oldest record still held).
    mutating func forget(before firstID: Int64) {
        while head < segments.count, segments[head].first + segmentSpan <= firstID {
            segments[head] = Segment(first: segments[head].first)  // frees the table now
            head += 1
        }
        if head >= 64, head * 2 >= segments.count {
            segments.removeFirst(head)
            head = 0
        }
    }

    /// The ids indexed under `key`'s hash that are `firstID` or later, oldest first; may include
    /// records of another id with the same hash.
    func ids(for key: String, from firstID: Int64) -> [Int64] {
        let hash = Self.key(key)
        var found: [Int64] = []
        for segment in segments[head...] {
            guard let list = segment.lists[hash] else { continue }
            let ids = list.ids
            if let oldest = ids.first, oldest >= firstID {
                found.append(contentsOf: ids)
            } else {
                found.append(contentsOf: ids.drop { $0 < firstID })
            }
        }
        return found
    }
}
