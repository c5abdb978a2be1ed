/// The hot buffer's records, oldest first, in chunks of ``chunkSize`` places, each chunk allocated once
/// at its full size: appending never moves a record, and a record needs no box (an allocation, a header
/// and a pointer of its own) to keep the buffer's unused capacity small.
///
/// Records leave from the front. A removed record stays where it is until every record of its chunk has
/// been removed, and the chunk is then freed with all of them at once (``removeFirst()`` says when):
/// emptying each place as its record leaves cost a copy and a destruction per record.
struct RecordChunks {
    /// Places per chunk.
    static let chunkSize = 64

    private var chunks: [ContiguousArray<LogRecord>] = []
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
            firstChunk = 0
        }
        return true
    }

    /// The record at `position` (0 is the oldest not removed), read in place.
    subscript(position: Int) -> LogRecord {
        _read {
            let place = removedAtFront + position
            yield chunks[firstChunk + place / Self.chunkSize][place % Self.chunkSize]
        }
    }
}
