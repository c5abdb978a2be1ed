/// Collects one newest-first page from records offered in any order: counts every match, remembers the
/// oldest timestamp, and keeps only the `limit` newest records after the cursor (a bounded min-heap, so
/// paging through a million matches costs O(n log limit), not a sort).
struct PageCollector {
    let limit: Int
    let cursor: LogCursor?
    private var heap: [LogRecord] = []  // min-heap by (timestamp, id): the root is the oldest kept
    private var total = 0
    private var oldest: Int64?

    init(limit: Int, cursor: LogCursor?) {
        self.limit = max(1, limit)
        self.cursor = cursor
        heap.reserveCapacity(min(self.limit + 1, 10_001))
    }

    mutating func offer(_ record: LogRecord) {
        total += 1
        oldest = min(oldest ?? record.timestamp, record.timestamp)
        if let cursor, !cursor.precedes(record) { return }
        // Keep limit + 1 so we know whether another page follows.
        if heap.count < limit + 1 {
            heap.append(record)
            siftUp(heap.count - 1)
        } else if LogRecord.chronological(heap[0], record) {
            heap[0] = record
            siftDown(0)
        }
    }

    func finish() -> LogPage {
        var records = heap.sorted { LogRecord.chronological($1, $0) }
        var next: LogCursor?
        if records.count > limit {
            records.removeLast(records.count - limit)
            next = records.last.map { LogCursor(timestamp: $0.timestamp, id: $0.id) }
        }
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
