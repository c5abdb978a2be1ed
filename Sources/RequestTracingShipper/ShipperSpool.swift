#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RequestTracing
import Synchronization

/// The on-disk queue of batches that the receiver has not acknowledged yet.
///
/// Batches are appended to segment files (``SpoolSegment``) before they are sent, and marked done in
/// place when their ack arrives (or when they are dropped for space), so a crash or restart of either
/// side replays exactly the batches not done. A segment whose batches are all done is deleted, or kept
/// as the one spare and written over from its start, which keeps its pages in the page cache: a busy
/// service writes each batch with two `pwrite`s into pages the kernel already has, instead of creating,
/// renaming and deleting a file per batch. Past ``limitBytes`` of unacknowledged batches (or twice that
/// on disk, when a few old batches keep mostly acknowledged segments alive) the oldest batches are dropped
/// and their records counted.
///
/// A batch is also kept in memory from its append until it is first sent (up to
/// ``unsentMemoryLimitBytes`` of them), so the usual send does not read back what was just written; the
/// segment stays the record of it, and a resend (after a lost connection or a receiver's request) or a
/// batch found at start is read from disk.
///
/// One live process holds a spool folder (an `flock` on its `.lock`); a second process of the same
/// service uses a `process-<pid>` subfolder. Whichever process opens the spool next takes in the batches
/// of subfolders whose process is gone, renumbered as its own, so batches spooled by a second process that
/// crashed are replayed too. So are the one-file-per-batch (`<number>-<records>.batch`) spools of earlier
/// versions.
///
/// The methods do blocking file I/O: callers run them on a thread pool, never on an event loop.
final class ShipperSpool: Sendable {
    struct Batch: Sendable, Equatable {
        let number: UInt64
        let records: Int
        let bytes: Int
    }

    /// An unacknowledged batch and where it is.
    private struct Pending {
        let batch: Batch
        /// Sent on the current connection.
        var sent: Bool
        let segment: UInt64
        /// Where its entry header starts in the segment.
        let offset: Int
    }

    private struct State {
        /// Unacknowledged batches, oldest first.
        var pending: [Pending] = []
        var bytes = 0
        var nextNumber: UInt64 = 1
        var droppedRecords = 0
        var droppedTotal = 0
        /// Messages of batches appended by this process and not sent yet, by number.
        var unsentMessages: [UInt64: [UInt8]] = [:]
        var unsentMessageBytes = 0
        /// Segments holding batches not done (and the one taking appends), by id.
        var segments: [UInt64: SpoolSegment] = [:]
        /// The segment taking appends.
        var active: UInt64?
        /// A segment whose batches are all done, kept to be written over.
        var spare: SpoolSegment?
        var nextSegmentID: UInt64 = 1
        /// Above every generation a segment of this folder has had.
        var nextGeneration: UInt64 = 1
        /// The capacity of a segment (one holding a bigger batch is bigger).
        let segmentCapacity: Int

        /// Bytes the segments holding batches take on disk.
        var segmentBytes: Int { segments.values.reduce(0) { $0 + $1.end } }

        /// Removes the message of batch `number` from memory, returning it if it was there.
        @discardableResult
        mutating func removeUnsentMessage(_ number: UInt64) -> [UInt8]? {
            guard let message = unsentMessages.removeValue(forKey: number) else { return nil }
            unsentMessageBytes -= message.count
            return message
        }

        /// Removes the pending batch at `index`: marked done in its segment, forgotten in memory.
        @discardableResult
        mutating func remove(at index: Int) -> Batch {
            let entry = pending.remove(at: index)
            removeUnsentMessage(entry.batch.number)
            bytes -= entry.batch.bytes
            segments[entry.segment]?.markDone(at: entry.offset)
            release(entry.segment)
            return entry.batch
        }

        /// Removes the pending batch at `index` and counts its records as dropped.
        mutating func drop(at index: Int) {
            countDropped(remove(at: index).records)
        }

        mutating func countDropped(_ records: Int) {
            droppedRecords += records
            droppedTotal += records
        }

        /// One batch of segment `id` is done (or its write failed): a sealed segment left with none is
        /// retired.
        mutating func release(_ id: UInt64) {
            guard var segment = segments[id] else { return }
            segment.live -= 1
            segments[id] = segment
            if segment.live == 0 && segment.sealed { retire(id) }
        }

        /// Segment `id` takes no more batches (full, or a write into it failed); retired if none is left
        /// in it.
        mutating func seal(_ id: UInt64) {
            if active == id { active = nil }
            guard segments[id] != nil else { return }
            segments[id]?.sealed = true
            if segments[id]?.live == 0 { retire(id) }
        }

        /// Drops segment `id`, whose batches are all done: kept as the spare if there is none (and it is
        /// of the usual size), else deleted.
        mutating func retire(_ id: UInt64) {
            guard let segment = segments.removeValue(forKey: id) else { return }
            if active == id { active = nil }
            if spare == nil && segment.capacity == segmentCapacity {
                spare = segment
            } else {
                segment.delete()
            }
        }

        /// Reserves room for a message of `length` bytes, starting a segment (the spare, or a new file)
        /// when the active one is full. Returns the segment (a copy, for its descriptor and generation)
        /// and where the entry goes.
        mutating func reserve(_ length: Int, in directory: String) throws(ShipperError) -> (segment: SpoolSegment, offset: Int) {
            if let id = active, var segment = segments[id], segment.fits(length) {
                let offset = segment.reserve(length)
                segments[id] = segment
                return (segment, offset)
            }
            if let id = active { seal(id) }
            let capacity = max(segmentCapacity, SpoolSegmentHeader.size + SpoolEntryHeader.size + length)
            var segment: SpoolSegment
            if var reused = spare, capacity == segmentCapacity {
                spare = nil
                do {
                    try reused.restart(generation: nextGeneration)
                } catch {
                    reused.delete()
                    throw error
                }
                segment = reused
            } else {
                segment = try SpoolSegment.create(id: nextSegmentID, in: directory, generation: nextGeneration, capacity: capacity)
                nextSegmentID += 1
            }
            nextGeneration += 1
            let offset = segment.reserve(length)
            segments[segment.id] = segment
            active = segment.id
            return (segment, offset)
        }
    }

    /// Bound on the bytes of unsent batches kept in memory beside their files; past it a batch is read
    /// back from its file when sent.
    static let unsentMemoryLimitBytes = 8 << 20

    /// The usual segment size for a spool of `limitBytes`: a sixteenth of it, between 64 KiB and 4 MiB.
    static func segmentCapacity(forLimit limitBytes: Int) -> Int {
        min(4 << 20, max(64 << 10, limitBytes / 16))
    }

    let directory: String
    let limitBytes: Int
    private let state: Mutex<State>
    /// Held for a whole append, so batches are written in the order their room was reserved: a restart
    /// reads a segment up to its first incomplete entry, and a later one must not be complete before it.
    private let appending = Mutex(())
    /// Held (by `flock`) for the spool's lifetime so two processes never share a folder.
    private let lockDescriptor: Int32

    /// Opens (creating if needed) the spool in `directory`, or in a per-process subfolder when another
    /// live process holds `directory`.
    ///
    /// - Parameter segmentBytes: The size of a segment file; ``segmentCapacity(forLimit:)`` by default.
    init(directory requested: String, limitBytes: Int, segmentBytes: Int? = nil) throws(ShipperError) {
        try Self.makeDirectories(requested)
        var directory = requested
        var lock = FileLock.acquire(requested + "/.lock")
        if lock == .held {
            directory = requested + "/process-\(getpid())"
            try Self.makeDirectories(directory)
            lock = FileLock.acquire(directory + "/.lock")
        }
        guard case .acquired(let descriptor) = lock else {
            let reason = if case .failed(let code) = lock { String(cString: strerror(code)) } else { "held by another process" }
            throw ShipperError.spool("cannot lock \(directory)/.lock: \(reason)")
        }
        self.directory = directory
        self.limitBytes = max(1, limitBytes)
        self.lockDescriptor = descriptor
        self.state = Mutex(Self.load(directory, segmentCapacity: segmentBytes ?? Self.segmentCapacity(forLimit: limitBytes)))
        takeIn(SpoolFolder.legacyBatches(in: directory))
        for orphan in Self.orphans(of: requested, besides: directory) {
            defer { close(orphan.lock) }
            if takeIn(SpoolFolder.batches(in: orphan.path)) { SpoolFolder.remove(orphan.path) }
        }
    }

    deinit {
        state.withLock { state in
            for segment in state.segments.values { segment.closeDescriptor() }
            state.spare?.closeDescriptor()
        }
        close(lockDescriptor)
    }

    /// The number the next batch gets.
    func reserveNumber() -> UInt64 {
        state.withLock { state in
            defer { state.nextNumber += 1 }
            return state.nextNumber
        }
    }

    /// Writes a batch and queues it for sending; drops the oldest batches while over the size limit.
    func append(number: UInt64, records: Int, message: [UInt8]) throws(ShipperError) {
        try appending.withLock { _ throws(ShipperError) in
            let directory = self.directory
            let (segment, offset) = try state.withLock { state throws(ShipperError) in try state.reserve(message.count, in: directory) }
            do throws(ShipperError) {
                try SpoolSegment.writeEntry(
                    to: segment.descriptor, path: segment.path, at: offset, generation: segment.generation,
                    number: number, records: records, message: message
                )
            } catch {
                // Nothing may follow an incomplete entry in a segment: this one takes no more.
                state.withLock { state in
                    state.release(segment.id)
                    state.seal(segment.id)
                }
                throw error
            }
            state.withLock { state in
                state.pending.append(Pending(batch: Batch(number: number, records: records, bytes: message.count), sent: false, segment: segment.id, offset: offset))
                state.bytes += message.count
                if state.unsentMessageBytes + message.count <= Self.unsentMemoryLimitBytes {
                    state.unsentMessages[number] = message
                    state.unsentMessageBytes += message.count
                }
                let diskBound = 2 * limitBytes + state.segmentCapacity
                while state.pending.count > 1, state.bytes > limitBytes || state.segmentBytes > diskBound {
                    state.drop(at: 0)
                }
            }
        }
    }

    /// The oldest batch not yet sent on this connection, marked as sent, if fewer than `maximumInFlight`
    /// are awaiting their ack.
    func nextToSend(maximumInFlight: Int) -> Batch? {
        state.withLock { state in
            let inFlight = state.pending.lazy.filter(\.sent).count
            guard inFlight < maximumInFlight, let index = state.pending.firstIndex(where: { !$0.sent }) else { return nil }
            state.pending[index].sent = true
            return state.pending[index].batch
        }
    }

    /// The stream message of `batch` if it is still held in memory (appended by this process and not
    /// sent before), which it then no longer is. No I/O: callable from any thread.
    func takeUnsentMessage(of batch: Batch) -> [UInt8]? {
        state.withLock { $0.removeUnsentMessage(batch.number) }
    }

    /// The stream message of `batch` read from its segment, or `nil` when it is no longer pending (dropped
    /// meanwhile). A batch that cannot be read back whole is dropped and counted.
    func message(of batch: Batch) -> [UInt8]? {
        state.withLock { state in
            guard let index = state.pending.firstIndex(where: { $0.batch.number == batch.number }) else { return nil }
            let entry = state.pending[index]
            if let message = state.segments[entry.segment]?.readMessage(at: entry.offset, number: batch.number) { return message }
            state.drop(at: index)
            return nil
        }
    }

    /// Forgets an acknowledged batch, marking it done in its segment. Returns it, or `nil` for an
    /// unknown number.
    @discardableResult
    func acknowledge(_ number: UInt64) -> Batch? {
        state.withLock { state in
            guard let index = state.pending.firstIndex(where: { $0.batch.number == number }) else { return nil }
            return state.remove(at: index)
        }
    }

    /// Marks `number` to be sent again (the receiver asked for a resend).
    func resend(_ number: UInt64) {
        state.withLock { state in
            if let index = state.pending.firstIndex(where: { $0.batch.number == number }) { state.pending[index].sent = false }
        }
    }

    /// Marks every batch unsent, after the connection was lost.
    func connectionLost() {
        state.withLock { state in
            for index in state.pending.indices { state.pending[index].sent = false }
        }
    }

    /// Batches waiting for an ack, and their records.
    var pending: (batches: Int, records: Int, bytes: Int) {
        state.withLock { state in (state.pending.count, state.pending.reduce(0) { $0 + $1.batch.records }, state.bytes) }
    }

    /// Records dropped because the spool was full, since it was opened.
    var droppedTotal: Int { state.withLock { $0.droppedTotal } }

    /// Returns and resets the number of records dropped because the spool was full.
    func takeDroppedCount() -> Int {
        state.withLock { state in
            defer { state.droppedRecords = 0 }
            return state.droppedRecords
        }
    }

    // MARK: Opening

    /// The state of the spool in `directory` as a previous run left it: the pending batches of its
    /// segments, which are kept (sealed) until they are done; a segment with none becomes the spare or is
    /// deleted, as is a file a crash left without its header. A segment it cannot read is left as it is.
    private static func load(_ directory: String, segmentCapacity: Int) -> State {
        var state = State(segmentCapacity: segmentCapacity)
        var highestID: UInt64 = 0
        var highestGeneration: UInt64 = 0
        for name in DirectoryListing.names(in: directory) ?? [] {
            guard let id = SpoolSegment.id(fromFileName: name) else { continue }
            let path = directory + "/" + name
            highestID = max(highestID, id)
            guard let scanned = SpoolSegment.scan(path) else {
                // Shorter than a header: made by a run that died before writing one. Anything else this
                // version cannot read (a later version's format, say) is left alone.
                var status = stat()
                if stat(path, &status) == 0, status.st_size < SpoolSegmentHeader.size { unlink(path) }
                continue
            }
            highestGeneration = max(highestGeneration, scanned.generation)
            let pending = scanned.entries.filter { $0.header.state == .pending }
            if pending.isEmpty {
                if state.spare == nil, scanned.bytes.count <= segmentCapacity,
                    let spare = SpoolSegment.reopen(id: id, path: path, generation: scanned.generation, capacity: segmentCapacity, end: scanned.end, live: 0)
                {
                    state.spare = spare
                } else {
                    unlink(path)
                }
                continue
            }
            guard
                let segment = SpoolSegment.reopen(
                    id: id, path: path, generation: scanned.generation, capacity: max(segmentCapacity, scanned.end), end: scanned.end, live: pending.count
                )
            else { continue }
            state.segments[id] = segment
            for entry in pending {
                let batch = Batch(number: entry.header.number, records: entry.header.records, bytes: entry.header.length)
                state.pending.append(Pending(batch: batch, sent: false, segment: id, offset: entry.offset))
                state.bytes += batch.bytes
            }
        }
        state.pending.sort { $0.batch.number < $1.batch.number }
        state.nextNumber = (state.pending.last?.batch.number ?? 0) + 1
        state.nextSegmentID = highestID + 1
        state.nextGeneration = highestGeneration + 1
        return state
    }

    /// Appends batches found elsewhere (another process's folder, an earlier version's files) as this
    /// spool's own, renumbered, then deletes their files. Returns whether every one was taken in (a batch
    /// that is not a stream message is dropped and counted).
    @discardableResult
    private func takeIn(_ batches: [SpoolFolder.FoundBatch]) -> Bool {
        var complete = true
        for found in batches {
            let number = reserveNumber()
            guard let message = ShipperBatchEncoder.renumbered(found.message, as: number) else {
                state.withLock { $0.countDropped(found.records) }
                found.remove()
                continue
            }
            do {
                try append(number: number, records: found.records, message: message)
                found.remove()
            } catch {
                complete = false
            }
        }
        return complete
    }

    /// The `process-<pid>` subfolders of `root` other than `directory` whose process is gone (their lock
    /// could be taken, and is returned held). A subfolder another live process holds is left.
    private static func orphans(of root: String, besides directory: String) -> [(path: String, lock: Int32)] {
        let names = (DirectoryListing.names(in: root) ?? []).filter { $0.hasPrefix("process-") && root + "/" + $0 != directory }
        return names.sorted().compactMap { name in
            let path = root + "/" + name
            guard case .acquired(let lock) = FileLock.acquire(path + "/.lock", create: false) else { return nil }
            return (path, lock)
        }
    }

    static func makeDirectories(_ path: String) throws(ShipperError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw ShipperError.spool("cannot create \(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }
}
