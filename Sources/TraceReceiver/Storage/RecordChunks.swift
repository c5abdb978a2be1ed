/// The hot buffer's records, oldest first, in chunks of ``chunkSize`` places, each chunk allocated once
/// at its full size: appending never moves a record, and a record needs no box (an allocation, a header
/// and a pointer of its own) to keep the buffer's unused capacity small.
///
/// Records leave from the front. A removed record stays where it is until every record of its chunk has
/// been removed, and the chunk is then freed with all of them at once (``removeFirst()`` says when):
/// emptying each place as its record leaves cost a copy and a destruction per record.
///
/// Each chunk knows the range of its records' timestamps, so that a scan for the newest records can pass
/// over chunks that cannot hold one (records arrive roughly, not exactly, in timestamp order).
struct RecordChunks {
    /// Places per chunk.
    static let chunkSize = 64

    private var chunks: [ContiguousArray<LogRecord>] = []
    /// The timestamps of each chunk's records, by the same index as ``chunks``; a chunk partly removed
    /// keeps the range of all of its records.
    private var timestamps: [ClosedRange<Int64>] = []
    /// Chunks before this index have been freed (a moving head, compacted now and then).
    private var firstChunk = 0
    /// Removed records still held at the front of the first chunk.
    private(set) var removedAtFront = 0
    /// Places allocated in all chunks held.
    private var allocatedPlaces = 0

    /// Records held and not removed.
    private(set) var count = 0

    /// Places allocated and not yet filled.
    var unfilledPlaces: Int { allocatedPlaces - count - removedAtFront }

    /// Adds `record` after the newest.
    mutating func append(_ record: consuming LogRecord) {
        if firstChunk == chunks.count || chunks[chunks.count - 1].count == Self.chunkSize {
            var chunk = ContiguousArray<LogRecord>()
            chunk.reserveCapacity(Self.chunkSize)
            allocatedPlaces += chunk.capacity
            chunks.append(chunk)
            timestamps.append(record.timestamp...record.timestamp)
        } else {
            let range = timestamps[timestamps.count - 1]
            if !range.contains(record.timestamp) {
                timestamps[timestamps.count - 1] = min(range.lowerBound, record.timestamp)...max(range.upperBound, record.timestamp)
            }
        }
        chunks[chunks.count - 1].append(consume record)
        count += 1
    }

    /// Removes the oldest record; returns `true` when that freed the records removed before it too (its
    /// chunk was full, or no record is left).
    @discardableResult
    mutating func removeFirst() -> Bool {
        precondition(count > 0, "no record to remove")
        removedAtFront += 1
        count -= 1
        if count == 0 {
            self = RecordChunks()
            return true
        }
        guard removedAtFront == Self.chunkSize else { return false }
        allocatedPlaces -= chunks[firstChunk].capacity
        chunks[firstChunk] = []
        firstChunk += 1
        removedAtFront = 0
        if firstChunk >= 64, firstChunk * 2 >= chunks.count {
            chunks.removeFirst(firstChunk)
            timestamps.removeFirst(firstChunk)
            firstChunk = 0
        }
        return true
    }

    /// Calls `body` with the records at `positions` (0 is the oldest not removed), in the range's order
    /// or newest first, each in place, until `body` returns `false`.
    ///
    /// Scans go through here rather than ``subscript(_:)``: a record passed on by value is copied (a
    /// retain and a release of each of its strings, touching memory a scan otherwise never reads), which
    /// was nine tenths of a search's time. `body` reads the fields it needs and copies what it keeps.
    ///
    /// `skipping` is asked about each chunk before its records are visited, with the range of their
    /// timestamps; when it answers `true` they are passed over.
    func forEach(
        in positions: Range<Int>,
        newestFirst: Bool = false,
        skipping: (ClosedRange<Int64>) -> Bool = { _ in false },
        _ body: (UnsafePointer<LogRecord>) throws -> Bool
    ) rethrows {
        guard !positions.isEmpty else { return }
        let first = removedAtFront + positions.lowerBound
        let last = removedAtFront + positions.upperBound - 1
        let (oldest, newest) = (firstChunk + first / Self.chunkSize, firstChunk + last / Self.chunkSize)
        for chunk in stride(from: newestFirst ? newest : oldest, through: newestFirst ? oldest : newest, by: newestFirst ? -1 : 1) {
            if skipping(timestamps[chunk]) { continue }
            let chunkStart = (chunk - firstChunk) * Self.chunkSize
            let places = max(first - chunkStart, 0)..<(min(last - chunkStart, Self.chunkSize - 1) + 1)
            let stopped = try chunks[chunk].withUnsafeBufferPointer { records in
                let base = records.baseAddress!
                if newestFirst {
                    for place in places.reversed() where try !body(base + place) { return true }
                } else {
                    for place in places where try !body(base + place) { return true }
                }
                return false
            }
            if stopped { return }
        }
    }

    /// The record at `position` (0 is the oldest not removed), read in place.
    subscript(position: Int) -> LogRecord {
        _read {
            let place = removedAtFront + position
            yield chunks[firstChunk + place / Self.chunkSize][place % Self.chunkSize]
        }
    }
}
