import Synchronization

/// The bounded in-memory queue between logging calls and the shipper's background task.
///
/// A ring of bytes allocated once: a logging call copies its encoded line in under a lock (no
/// allocation, so nothing for the background thread to free) and returns. Each entry is a 4-byte length
/// and the line. When the queue is over either bound the oldest lines are dropped and counted, so the
/// newest records survive an outage.
final class ShipperQueue: Sendable {
    private struct State {
        var ring: [UInt8]
        /// Offset of the oldest entry.
        var head = 0
        /// Offset where the next entry goes.
        var tail = 0
        var count = 0
        var dropped = 0
        var droppedTotal = 0

        static let headerBytes = 4
        /// Written where an entry did not fit before the end of the ring: the next entry is at offset 0.
        static let wrapMarker = UInt32.max

        func length(at offset: Int) -> UInt32 {
            ring.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
        }

        /// Moves `head` to offset 0 when the writer wrapped there.
        mutating func normalizeHead() {
            if head > ring.count - Self.headerBytes || length(at: head) == Self.wrapMarker { head = 0 }
        }

        /// Removes the oldest entry, returning its bytes' range.
        mutating func popOldest() -> Range<Int> {
            normalizeHead()
            let length = Int(length(at: head))
            let range = (head + Self.headerBytes)..<(head + Self.headerBytes + length)
            head = range.upperBound
            count -= 1
            if count == 0 {
                head = 0
                tail = 0
            }
            return range
        }

        /// Where an entry of `size` bytes (header included) can be written now, wrapping if needed, or
        /// `nil` when the oldest entry must go first.
        mutating func reserve(_ size: Int) -> Int? {
            if count == 0 {
                head = 0
                tail = 0
                return size <= ring.count ? 0 : nil
            }
            if tail > head {
                if ring.count - tail >= size { return tail }
                guard head >= size else { return nil }
                if ring.count - tail >= Self.headerBytes {
                    ring.withUnsafeMutableBytes { $0.storeBytes(of: Self.wrapMarker, toByteOffset: tail, as: UInt32.self) }
                }
                tail = 0
                return 0
            }
            if tail < head, head - tail >= size { return tail }
            return nil
        }
    }

    private let state: Mutex<State>
    private let capacity: Int
    private let batchRecords: Int

    init(capacity: Int, limitBytes: Int, batchRecords: Int) {
        self.capacity = max(1, capacity)
        self.batchRecords = max(1, batchRecords)
        self.state = Mutex(State(ring: [UInt8](repeating: 0, count: max(State.headerBytes + 1, limitBytes))))
    }

    /// Copies one line in. Returns `true` when the queue has just reached a full batch, so the caller can
    /// wake the background task early. A line larger than the whole queue is dropped (and counted).
    func append(_ line: UnsafeRawBufferPointer) -> Bool {
        let size = State.headerBytes + line.count
        return state.withLock { state in
            guard size <= state.ring.count else {
                state.dropped += 1
                state.droppedTotal += 1
                return false
            }
            var offset: Int?
            while true {
                if state.count < capacity, let found = state.reserve(size) {
                    offset = found
                    break
                }
                _ = state.popOldest()
                state.dropped += 1
                state.droppedTotal += 1
            }
            let start = offset!
            state.ring.withUnsafeMutableBytes { ring in
                ring.storeBytes(of: UInt32(line.count), toByteOffset: start, as: UInt32.self)
                if let source = line.baseAddress, line.count > 0 {
                    (ring.baseAddress! + start + State.headerBytes).copyMemory(from: source, byteCount: line.count)
                }
            }
            state.tail = start + size
            state.count += 1
            return state.count == batchRecords
        }
    }

    /// Removes and returns up to `records` lines holding at most `bytes` bytes (always at least one line
    /// when any is waiting), oldest first.
    func take(records: Int, bytes: Int) -> [[UInt8]] {
        state.withLock { state in
            var taken: [[UInt8]] = []
            var size = 0
            while taken.count < records, state.count > 0 {
                state.normalizeHead()
                let length = Int(state.length(at: state.head))
                if !taken.isEmpty && size + length > bytes { break }
                let range = state.popOldest()
                taken.append(Array(state.ring[range]))
                size += length
            }
            return taken
        }
    }

    /// Lines waiting.
    var count: Int { state.withLock { $0.count } }

    /// Lines dropped since the queue was made.
    var droppedTotal: Int { state.withLock { $0.droppedTotal } }

    /// Returns and resets the number of lines dropped since the last call.
    func takeDroppedCount() -> Int {
        state.withLock { state in
            defer { state.dropped = 0 }
            return state.dropped
        }
    }
}
