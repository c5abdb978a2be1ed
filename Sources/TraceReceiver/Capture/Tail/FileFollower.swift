/// The reading loop of a ``FileTailer``: runs on the tailer's own thread (see ``FileTailer`` for why)
/// and hands lines to a ``TailLineChannel``. Not thread-safe; one instance per iteration.
final class FileFollower {
    private let path: String
    private let configuration: FileTailer.Configuration
    private let channel: TailLineChannel
    /// The saved position to try on the first file opened; used once.
    private var checkpoint: TailCheckpoint?

    private var fd: CInt = -1
    private var identity = SystemFile.Identity(device: 0, inode: 0)
    /// Offset of the next byte to read in the open file.
    private var offset: UInt64 = 0
    /// Hash of the open file's first bytes, as far as they have been read (at most
    /// `configuration.fingerprintLength`).
    private var fingerprint: (length: Int, value: UInt64) = (0, 0)
    /// The open file's generation (see ``TailCheckpoint/generation``); `nil` until a line needs it.
    private var generation: UInt64?
    /// The generation the open file follows at the path (rotated away or truncated), 0 for none known.
    private var previousGeneration: UInt64 = 0
    /// The `instance` of the lines of the latest generation sent, made once per generation.
    private var instanceName: (generation: UInt64, name: String)?
    private var splitter: LineSplitter
    private var found: [LineSplitter.Line] = []
    private let buffer: UnsafeMutableRawBufferPointer

    init(path: String, configuration: FileTailer.Configuration, channel: TailLineChannel, checkpoint: TailCheckpoint?) {
        self.path = path
        self.configuration = configuration
        self.channel = channel
        self.checkpoint = checkpoint
        self.splitter = LineSplitter(maximumLineLength: configuration.maximumLineLength)
        self.buffer = .allocate(byteCount: configuration.readChunkSize, alignment: 16)
    }

    deinit {
        if fd >= 0 { SystemFile.close(fd) }
        buffer.deallocate()
    }

    /// What happened when looking at the path at the end of the open file.
    private enum PathCheck {
        case unchanged
        case switched
        case cancelled
    }

    /// Follows the file until the consumer goes away; throws on an I/O error other than the file missing.
    func run() throws {
        var isFirstFile = true
        while !channel.isCancelled {
            if fd < 0 {
                guard try openFile(isFirstFile: isFirstFile) else {
                    // Not there yet: whatever appears later is new, so it is read from its beginning.
                    if isFirstFile { configuration.onFirstLook?(nil) }
                    isFirstFile = false
                    guard channel.sleep(for: configuration.pollInterval) else { return }
                    continue
                }
                if isFirstFile { configuration.onFirstLook?(offset) }
                isFirstFile = false
            }
            let status = try SystemFile.status(of: fd, path: path)
            if try status.size < offset || prefixChanged() {
                guard try restartAfterTruncation() else { return }
                continue
            }
            if status.size > offset {
                let count = try readChunk()
                if count < 0 { return }
                if count > 0 { continue }
            }
            switch try switchIfRotated() {
            case .cancelled: return
            case .switched: continue
            case .unchanged: guard channel.sleep(for: configuration.pollInterval) else { return }
            }
        }
    }

    /// Opens the file at the path and chooses where to start; `false` when nothing is there.
    private func openFile(isFirstFile: Bool) throws -> Bool {
        guard let opened = try SystemFile.openForReading(path) else { return false }
        let status: SystemFile.Status
        do {
            status = try SystemFile.status(of: opened, path: path)
        } catch {
            SystemFile.close(opened)
            throw error
        }
        fd = opened
        identity = status.identity
        splitter.reset()
        offset = try startOffset(status: status, isFirstFile: isFirstFile)
        fingerprint = try SystemFile.prefixFingerprint(fd, length: Int(min(offset, UInt64(configuration.fingerprintLength))), path: path)
        return true
    }

    /// Also sets the opened file's generation: the checkpoint's when it resumes there, or one to derive
    /// from the checkpoint's (the file that replaced it) or from the file before it (a rotation).
    private func startOffset(status: SystemFile.Status, isFirstFile: Bool) throws -> UInt64 {
        generation = nil
        if let saved = checkpoint {
            checkpoint = nil
            let prefix = try SystemFile.prefixFingerprint(fd, length: saved.fingerprintLength, path: path)
            guard saved.device == status.identity.device, saved.inode == status.identity.inode, saved.offset <= status.size,
                prefix.length == saved.fingerprintLength, prefix.value == saved.fingerprint
            else {
                previousGeneration = saved.generation ?? 0
                return 0  // another file since the checkpoint: all of it is new
            }
            generation = saved.generation
            return saved.offset
        }
        return isFirstFile && configuration.startPosition == .end ? status.size : 0
    }

    /// The open file's generation, derived on first use (from its first line, which is complete once
    /// any line of the file is).
    private func currentGeneration() throws -> UInt64 {
        if let generation { return generation }
        var hasher = StableHasher()
        hasher.combine(previousGeneration)
        hasher.combine(identity.device)
        hasher.combine(identity.inode)
        hasher.combine(Self.hostName)
        let firstLine = try SystemFile.firstLineFingerprint(fd, maximumLength: configuration.fingerprintLength, path: path)
        hasher.combine(firstLine)
        let derived = hasher.finalize()
        generation = derived
        return derived
    }

    /// This machine's name, so two hosts' files with the same device, inode and first line (cloned
    /// machines) are not taken for one.
    private static let hostName = SystemFile.hostName()

    /// Whether the bytes the fingerprint covers are no longer the same: the file was truncated and
    /// written again past the old offset between two polls.
    private func prefixChanged() throws -> Bool {
        guard fingerprint.length > 0 else { return false }
        let now = try SystemFile.prefixFingerprint(fd, length: fingerprint.length, path: path)
        return now.length != fingerprint.length || now.value != fingerprint.value
    }

    /// Reads one chunk at the current offset and sends its complete lines. Returns the bytes read,
    /// 0 at the end of the file, -1 when the consumer has gone.
    private func readChunk() throws -> Int {
        let count = try SystemFile.read(fd, into: buffer, at: offset, path: path)
        guard count > 0 else { return 0 }
        found.removeAll(keepingCapacity: true)
        splitter.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]), startingAt: offset, into: &found)
        offset += UInt64(count)
        if fingerprint.length < configuration.fingerprintLength, offset > UInt64(fingerprint.length) {
            fingerprint = try SystemFile.prefixFingerprint(fd, length: Int(min(offset, UInt64(configuration.fingerprintLength))), path: path)
        }
        for line in found {
            guard try send(line) else { return -1 }
        }
        return count
    }

    /// At the end of the open file: if another file is now at the path, finishes the old one (through
    /// the descriptor still open on it) and switches to the new one.
    private func switchIfRotated() throws -> PathCheck {
        guard let current = try SystemFile.status(atPath: path), current.identity != identity else {
            return .unchanged  // same file, or nothing at the path yet: keep reading the old one
        }
        // Lines may have been appended between the last read and the rename: read to the very end.
        while true {
            let count = try readChunk()
            if count < 0 { return .cancelled }
            if count == 0 { break }
        }
        if let partial = splitter.flush(at: offset), try !send(partial) { return .cancelled }
        previousGeneration = try currentGeneration()
        SystemFile.close(fd)
        fd = -1
        // If the new file vanished again in between, the main loop waits for the next one.
        _ = try openFile(isFirstFile: false)
        return .switched
    }

    /// The file shrank below the offset read so far (copytruncate): delivers a held partial line and
    /// starts again at offset 0. `false` when the consumer has gone.
    /// The offsets start again, so the file is a generation of its own.
    private func restartAfterTruncation() throws -> Bool {
        if let partial = splitter.flush(at: offset), try !send(partial) { return false }
        previousGeneration = try currentGeneration()
        generation = nil
        offset = 0
        fingerprint = (0, 0)
        return true
    }

    private func send(_ line: LineSplitter.Line) throws -> Bool {
        let generation = try currentGeneration()
        let checkpoint = TailCheckpoint(
            device: identity.device, inode: identity.inode, offset: line.endOffset,
            fingerprintLength: fingerprint.length, fingerprint: fingerprint.value, generation: generation
        )
        if instanceName?.generation != generation { instanceName = (generation, Self.instance(of: generation)) }
        let origin = CaptureOrigin(instance: instanceName!.name, sequence: line.endOffset)
        return channel.send(
            TailedLine(bytes: line.bytes, skippedBytes: line.skippedBytes, offset: line.endOffset, checkpoint: checkpoint, origin: origin)
        )
    }

    /// The `instance` sent with the lines of a generation.
    static func instance(of generation: UInt64) -> String {
        "tail-" + String(generation, radix: 16)
    }
}
