#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RequestTracing

/// One file of the spool, `segment-<id>.spool`: a ``SpoolSegmentHeader``, then batches appended one
/// after another, each a ``SpoolEntryHeader`` and its message.
///
/// A segment is kept open while it holds a batch not yet done. Once every batch in it is done it is
/// either deleted or kept as the spool's one spare and, with a new generation, written over from the
/// start: its pages stay in the page cache, so a busy spool writes into memory the kernel already has
/// instead of creating, growing and deleting a file per batch.
///
/// The functions do blocking file I/O.
struct SpoolSegment {
    /// A batch found in a segment file.
    struct Entry {
        let header: SpoolEntryHeader
        /// Where its header starts.
        let offset: Int
    }

    let id: UInt64
    let path: String
    let descriptor: Int32
    private(set) var generation: UInt64
    /// Bytes it takes before it is sealed (more when its one batch is bigger).
    let capacity: Int
    /// Where the next entry goes; also the bytes in use.
    private(set) var end: Int
    /// Its batches not yet done, counting one being written.
    var live = 0
    /// Takes no more batches (full, read back at start, or a write into it failed).
    var sealed = false

    static func fileName(id: UInt64) -> String {
        let digits = String(id)
        return "segment-" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".spool"
    }

    /// The id in a segment's file name, or `nil` when `name` is not one.
    static func id(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".spool") else { return nil }
        return UInt64(name.dropFirst(8).dropLast(6))
    }

    /// Creates segment `id` in `directory` (overwriting a file of that name), with its header written.
    static func create(id: UInt64, in directory: String, generation: UInt64, capacity: Int) throws(ShipperError) -> SpoolSegment {
        let path = directory + "/" + fileName(id: id)
        let descriptor = open(path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ShipperError.spool("cannot create \(path): \(String(cString: strerror(errno)))") }
        var segment = SpoolSegment(id: id, path: path, descriptor: descriptor, generation: generation, capacity: capacity, end: 0)
        do {
            try segment.restart(generation: generation)
        } catch {
            segment.delete()
            throw error
        }
        return segment
    }

    /// Starts the segment over as `generation`: what it held before is no longer a batch.
    mutating func restart(generation: UInt64) throws(ShipperError) {
        try Self.write(SpoolSegmentHeader(generation: generation).bytes, to: descriptor, at: 0, path: path)
        self.generation = generation
        end = SpoolSegmentHeader.size
        live = 0
        sealed = false
    }

    /// Whether an entry of `length` message bytes fits.
    func fits(_ length: Int) -> Bool {
        !sealed && end + SpoolEntryHeader.size + length <= capacity
    }

    /// Reserves room for an entry of `length` message bytes, returning where its header goes.
    mutating func reserve(_ length: Int) -> Int {
        defer {
            end += SpoolEntryHeader.size + length
            live += 1
        }
        return end
    }

    /// Writes a batch at `offset` (reserved): its message first, then its header, so a crash in between
    /// leaves no entry.
    static func writeEntry(
        to descriptor: Int32, path: String, at offset: Int, generation: UInt64, number: UInt64, records: Int, message: [UInt8]
    ) throws(ShipperError) {
        let checksum = message.withUnsafeBytes { SpoolEntryHeader.checksum($0) }
        let header = SpoolEntryHeader(
            state: .pending, generation: generation, number: number, records: records, length: message.count, checksum: checksum
        )
        try write(message, to: descriptor, at: offset + SpoolEntryHeader.size, path: path)
        try write(header.bytes, to: descriptor, at: offset, path: path)
    }

    /// Marks the entry at `offset` done, so a restart does not replay it.
    func markDone(at offset: Int) {
        _ = try? Self.write(SpoolEntryHeader.doneBytes, to: descriptor, at: offset + SpoolEntryHeader.stateOffset, path: path)
    }

    /// The message of the pending entry for batch `number` at `offset`, or `nil` when the entry there is
    /// not that batch, whole (overwritten, torn, unreadable).
    func readMessage(at offset: Int, number: UInt64) -> [UInt8]? {
        guard let headerBytes = Self.read(descriptor, at: offset, count: SpoolEntryHeader.size),
            let header = headerBytes.withUnsafeBytes({ SpoolEntryHeader($0) }),
            header.generation == generation, header.number == number, header.state == .pending,
            let message = Self.read(descriptor, at: offset + SpoolEntryHeader.size, count: header.length),
            message.withUnsafeBytes({ SpoolEntryHeader.checksum($0) }) == header.checksum
        else { return nil }
        return message
    }

    func closeDescriptor() {
        close(descriptor)
    }

    func delete() {
        close(descriptor)
        unlink(path)
    }

    // MARK: Reading a segment file back

    /// A segment file read whole.
    struct Scanned {
        let generation: UInt64
        /// Its valid entries (pending or done) in file order, up to the first that is not valid.
        let entries: [Entry]
        /// Where its valid entries end.
        let end: Int
        /// The whole file.
        let bytes: [UInt8]

        /// The message of `entry`.
        func message(of entry: Entry) -> [UInt8] {
            let start = entry.offset + SpoolEntryHeader.size
            return Array(bytes[start..<(start + entry.header.length)])
        }
    }

    /// Reads a segment file, or `nil` when it cannot be read or has no header.
    static func scan(_ path: String) -> Scanned? {
        guard let bytes = readFile(path) else { return nil }
        return bytes.withUnsafeBytes { buffer in
            guard let segment = SpoolSegmentHeader(buffer) else { return nil }
            var entries: [Entry] = []
            var offset = SpoolSegmentHeader.size
            while let header = SpoolEntryHeader(UnsafeRawBufferPointer(rebasing: buffer[offset...])),
                header.generation == segment.generation,
                header.length <= buffer.count - offset - SpoolEntryHeader.size,
                SpoolEntryHeader.checksum(UnsafeRawBufferPointer(rebasing: buffer[(offset + SpoolEntryHeader.size)...].prefix(header.length)))
                    == header.checksum
            {
                entries.append(Entry(header: header, offset: offset))
                offset += SpoolEntryHeader.size + header.length
            }
            return Scanned(generation: segment.generation, entries: entries, end: offset, bytes: bytes)
        }
    }

    /// Opens a scanned segment to keep it: sealed when it holds `live` pending batches, else ready to be
    /// restarted as a spare.
    static func reopen(
        id: UInt64, path: String, generation: UInt64, capacity: Int, end: Int, live: Int
    ) -> SpoolSegment? {
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var segment = SpoolSegment(id: id, path: path, descriptor: descriptor, generation: generation, capacity: capacity, end: end)
        segment.live = live
        segment.sealed = true
        return segment
    }

    private init(id: UInt64, path: String, descriptor: Int32, generation: UInt64, capacity: Int, end: Int) {
        self.id = id
        self.path = path
        self.descriptor = descriptor
        self.generation = generation
        self.capacity = capacity
        self.end = end
    }

    // MARK: Positioned I/O

    static func write(_ bytes: [UInt8], to descriptor: Int32, at offset: Int, path: String) throws(ShipperError) {
        if let failure = bytes.withUnsafeBytes({ FileDescriptorWriter.writeAll($0, to: descriptor, at: offset) }) {
            throw ShipperError.spool("cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }

    /// The whole contents of the file at `path`, or `nil` when it cannot be read.
    static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        return read(descriptor, at: 0, count: Int(status.st_size))
    }

    /// Exactly `count` bytes from `offset`, or `nil` when the file ends first or cannot be read.
    static func read(_ descriptor: Int32, at offset: Int, count: Int) -> [UInt8]? {
        guard count >= 0 else { return nil }
        var complete = true
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let got = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if got > 0 {
                    done += got
                } else if got < 0 && errno == EINTR {
                    continue
                } else {
                    complete = false
                    break
                }
            }
            initialized = done
        }
        return complete ? bytes : nil
    }
}
