import NIOCore
import Synchronization

/// The bounded in-memory queue between logging calls and the shipper's background task.
///
/// A logging call copies its encoded line in under a lock and returns; when the queue is over either
/// bound the oldest lines are dropped and counted, so the newest records survive an outage.
final class ShipperQueue: Sendable {
    private struct State {
        var lines = CircularBuffer<[UInt8]>(initialCapacity: 1024)
        var bytes = 0
        var dropped = 0
        var droppedTotal = 0
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let limitBytes: Int
    private let batchRecords: Int

    init(capacity: Int, limitBytes: Int, batchRecords: Int) {
        self.capacity = max(1, capacity)
        self.limitBytes = max(1, limitBytes)
        self.batchRecords = max(1, batchRecords)
    }

    /// Appends one line (without dropping its trailing newline; the encoder skips it). Returns `true`
    /// when the queue has just reached a full batch, so the caller can wake the background task early.
    func append(_ line: [UInt8]) -> Bool {
        state.withLock { state in
            state.lines.append(line)
            state.bytes += line.count
            while state.lines.count > capacity || (state.bytes > limitBytes && state.lines.count > 1) {
                let oldest = state.lines.removeFirst()
                state.bytes -= oldest.count
                state.dropped += 1
                state.droppedTotal += 1
            }
            return state.lines.count == batchRecords
        }
    }

    /// Removes and returns up to `records` lines holding at most `bytes` bytes (always at least one line
    /// when any is waiting), oldest first.
    func take(records: Int, bytes: Int) -> [[UInt8]] {
        state.withLock { state in
            var taken: [[UInt8]] = []
            var size = 0
            while taken.count < records, let first = state.lines.first {
                if !taken.isEmpty && size + first.count > bytes { break }
                size += first.count
                taken.append(state.lines.removeFirst())
            }
            state.bytes -= size
            return taken
        }
    }

    /// Lines waiting.
    var count: Int { state.withLock { $0.lines.count } }

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
