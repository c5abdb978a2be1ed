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
/// Each batch is one file, `<number>-<records>.batch`, holding the exact stream message; it is written
/// (to a temporary name, then renamed) before it is sent and deleted when its ack arrives, so a crash or
/// restart of either side replays it. Files left by an earlier run of the service are picked up at start.
/// Past ``limitBytes`` the oldest batches are deleted and their records counted as dropped.
///
/// A batch is also kept in memory from its append until it is first sent (up to
/// ``unsentMemoryLimitBytes`` of them), so the usual send does not read back the file just written; the
/// file stays the record of it, and a resend (after a lost connection or a receiver's request) or a batch
/// found at start is read from disk.
///
/// One live process holds a spool folder (an `flock` on its `.lock`); a second process of the same
/// service uses a `process-<pid>` subfolder. Whichever process opens the spool next adopts the batches of
/// subfolders whose process is gone, so batches spooled by a second process that crashed are replayed too.
///
/// The methods do blocking file I/O: callers run them on a thread pool, never on an event loop.
final class ShipperSpool: Sendable {
    struct Batch: Sendable, Equatable {
        let number: UInt64
        let records: Int
        let bytes: Int
    }

    private struct State {
        /// Unacknowledged batches, oldest first, each flagged when sent on the current connection.
        var pending: [(batch: Batch, sent: Bool)] = []
        var bytes = 0
        var nextNumber: UInt64 = 1
        var droppedRecords = 0
        var droppedTotal = 0
        /// Messages of batches appended by this process and not sent yet, by number.
        var unsentMessages: [UInt64: [UInt8]] = [:]
        var unsentMessageBytes = 0

        /// Removes the message of batch `number` from memory, returning it if it was there.
        @discardableResult
        mutating func removeUnsentMessage(_ number: UInt64) -> [UInt8]? {
            guard let message = unsentMessages.removeValue(forKey: number) else { return nil }
            unsentMessageBytes -= message.count
            return message
        }
    }

    /// Bound on the bytes of unsent batches kept in memory beside their files; past it a batch is read
    /// back from its file when sent.
    static let unsentMemoryLimitBytes = 8 << 20

    let directory: String
    let limitBytes: Int
    private let state = Mutex(State())
    /// Held (by `flock`) for the spool's lifetime so two processes never share a folder.
    private let lockDescriptor: Int32

    /// Opens (creating if needed) the spool in `directory`, or in a per-process subfolder when another
    /// live process holds `directory`.
    init(directory requested: String, limitBytes: Int) throws(ShipperError) {
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
        var existing = Self.scan(directory)
        existing += Self.adoptOrphans(of: requested, into: directory, numberedAfter: existing.last?.number ?? 0)
        state.withLock { state in
            for batch in existing {
                state.pending.append((batch, false))
                state.bytes += batch.bytes
            }
            state.nextNumber = (existing.last?.number ?? 0) + 1
        }
    }

    deinit {
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
        let name = Self.fileName(number: number, records: records)
        let temporary = directory + "/." + name + ".tmp"
        try Self.writeFile(temporary, message)
        guard rename(temporary, directory + "/" + name) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ShipperError.spool("cannot rename \(temporary): \(reason)")
        }
        let evicted: [Batch] = state.withLock { state in
            state.pending.append((Batch(number: number, records: records, bytes: message.count), false))
            state.bytes += message.count
            if state.unsentMessageBytes + message.count <= Self.unsentMemoryLimitBytes {
                state.unsentMessages[number] = message
                state.unsentMessageBytes += message.count
            }
            var evicted: [Batch] = []
            while state.bytes > limitBytes, state.pending.count > 1 {
                let oldest = state.pending.removeFirst().batch
                state.removeUnsentMessage(oldest.number)
                state.bytes -= oldest.bytes
                state.droppedRecords += oldest.records
                state.droppedTotal += oldest.records
                evicted.append(oldest)
            }
            return evicted
        }
        for batch in evicted { unlink(path(of: batch)) }
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

    /// The stream message of `batch` read from its file, or `nil` when the file has gone (dropped
    /// meanwhile).
    func message(of batch: Batch) -> [UInt8]? {
        Self.readFile(path(of: batch))
    }

    /// Forgets an acknowledged batch and deletes its file. Returns it, or `nil` for an unknown number.
    @discardableResult
    func acknowledge(_ number: UInt64) -> Batch? {
        let batch: Batch? = state.withLock { state in
            guard let index = state.pending.firstIndex(where: { $0.batch.number == number }) else { return nil }
            let batch = state.pending.remove(at: index).batch
            state.removeUnsentMessage(number)
            state.bytes -= batch.bytes
            return batch
        }
        if let batch { unlink(path(of: batch)) }
        return batch
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

    private func path(of batch: Batch) -> String {
        directory + "/" + Self.fileName(number: batch.number, records: batch.records)
    }

    static func fileName(number: UInt64, records: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "-\(records).batch"
    }

    /// Batches in `directory`, oldest first; half-written temporary files from a crash are removed.
    static func scan(_ directory: String) -> [Batch] {
        var batches: [Batch] = []
        for name in DirectoryListing.names(in: directory) ?? [] {
            if name.hasSuffix(".tmp") {
                unlink(directory + "/" + name)
                continue
            }
            guard name.hasSuffix(".batch") else { continue }
            let parts = name.dropLast(6).split(separator: "-")
            guard parts.count == 2, let number = UInt64(parts[0]), let records = Int(parts[1]) else { continue }
            var info = stat()
            guard stat(directory + "/" + name, &info) == 0 else { continue }
            batches.append(Batch(number: number, records: records, bytes: Int(info.st_size)))
        }
        return batches.sorted { $0.number < $1.number }
    }

    /// Moves the batches of every `process-<pid>` subfolder of `root` whose process is gone (its lock
    /// can be taken) into `directory`, numbered after `lastNumber` in their old order, and removes the
    /// subfolder. Returns the moved batches, oldest first. A subfolder another live process holds is left.
    static func adoptOrphans(of root: String, into directory: String, numberedAfter lastNumber: UInt64) -> [Batch] {
        let names = (DirectoryListing.names(in: root) ?? []).filter { $0.hasPrefix("process-") && root + "/" + $0 != directory }
        var adopted: [Batch] = []
        var number = lastNumber
        for name in names.sorted() {
            let orphan = root + "/" + name
            // Held: its process is alive.
            guard case .acquired(let lock) = FileLock.acquire(orphan + "/.lock", create: false) else { continue }
            defer { close(lock) }
            var moved = true
            for batch in scan(orphan) {
                number += 1
                let target = Batch(number: number, records: batch.records, bytes: batch.bytes)
                if rename(orphan + "/" + fileName(number: batch.number, records: batch.records), directory + "/" + fileName(number: number, records: batch.records)) == 0 {
                    adopted.append(target)
                } else {
                    number -= 1
                    moved = false
                }
            }
            if moved {
                unlink(orphan + "/.lock")
                rmdir(orphan)
            }
        }
        return adopted
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

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws(ShipperError) {
        let descriptor = open(path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ShipperError.spool("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        if let failure = FileDescriptorWriter.writeAll(bytes, to: descriptor) {
            throw ShipperError.spool("cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        let expected = fstat(descriptor, &status) == 0 ? max(0, Int(status.st_size)) : 0
        // Read straight into a buffer of the file's size; reading on past it finds the end (or whatever
        // was appended meanwhile, which a spool file never is).
        var bytes = [UInt8](repeating: 0, count: expected + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(64 * 1024, bytes.count))) }
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if got == 0 {
                bytes.removeSubrange(count...)
                return bytes
            }
            count += got
        }
    }
}
