/// Collects one newest-first page from records offered in any order: counts every match, remembers the
/// oldest timestamp, and keeps only the `limit` newest records after the cursor (a bounded min-heap, so
/// paging through a million matches costs O(n log limit), not a sort).
///
/// A page that need not count every match (``LogQuery/countsAllMatches`` off) reports its own records'
/// count and no oldest timestamp, as the SQLite store does, and says which records it can do without
/// (``passesOver(_:)``), so that a scan need not read them.
struct PageCollector {
    let limit: Int
    let cursor: LogCursor?
    let countsAll: Bool
    private var heap: [LogRecord] = []  // min-heap by (timestamp, id): the root is the oldest kept
    private var total = 0
    private var oldest: Int64?

    init(limit: Int, cursor: LogCursor?, countsAll: Bool = true) {
        self.limit = max(1, limit)
        self.cursor = cursor
        self.countsAll = countsAll
        heap.reserveCapacity(min(self.limit + 1, 10_001))
    }

    mutating func offer(_ record: LogRecord) {
        withUnsafePointer(to: record) { offer($0) }
    }

    /// ``offer(_:)`` for a record read in place: it is copied only if kept.
    mutating func offer(_ record: UnsafePointer<LogRecord>) {
        let (timestamp, id) = (record.pointee.timestamp, record.pointee.id)
        total += 1
        oldest = min(oldest ?? timestamp, timestamp)
        if let cursor, !cursor.precedes(timestamp: timestamp, id: id) { return }
        // Keep limit + 1 so we know whether another page follows.
        if heap.count < limit + 1 {
            heap.append(record.pointee)
            siftUp(heap.count - 1)
        } else if (heap[0].timestamp, heap[0].id) < (timestamp, id) {
            heap[0] = record.pointee
            siftDown(0)
        }
    }

    /// Whether records with timestamps in `timestamps` could neither join the page nor change its count:
    /// never while every match is counted; otherwise when they are all at or after the cursor's, or the
    /// page is full with records newer than all of them.
    func passesOver(_ timestamps: ClosedRange<Int64>) -> Bool {
        guard !countsAll else { return false }
        if let cursor, timestamps.lowerBound > cursor.timestamp { return true }
        return heap.count == limit + 1 && timestamps.upperBound < heap[0].timestamp
    }

    func finish() -> LogPage {
        var records = heap.sorted { LogRecord.chronological($1, $0) }
        var next: LogCursor?
        if records.count > limit {
            records.removeLast(records.count - limit)
            next = records.last.map { LogCursor(timestamp: $0.timestamp, id: $0.id) }
        }
        guard countsAll else { return LogPage(records: records, totalCount: records.count, oldestTimestamp: nil, nextCursor: next) }
        return LogPage(records: records, totalCount: total, oldestTimestamp: oldest, nextCursor: next)
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard LogRecord.chronological(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, LogRecord.chronological(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, LogRecord.chronological(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
