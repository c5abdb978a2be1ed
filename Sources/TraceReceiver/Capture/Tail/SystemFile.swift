#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin, blocking wrappers over the POSIX calls the tailers use. Call them only from a tailer's own
/// thread (or a dispatch queue), never from the cooperative pool or an event loop.
enum SystemFile {
    /// What names a file independently of its path.
    struct Identity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// The part of `stat` the tailers look at.
    struct Status {
        var identity: Identity
        var size: UInt64
    }

    /// Opens `path` for reading; `nil` when it does not exist (yet).
    static func openForReading(_ path: String) throws -> CInt? {
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return fd }
            switch errno {
            case EINTR: continue
            case ENOENT, ENOTDIR: return nil
            case let code: throw TailError.fileAccess(path: path, operation: "open", errno: code)
            }
        }
    }

    /// The status of an open file.
    static func status(of fd: CInt, path: String) throws -> Status {
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw TailError.fileAccess(path: path, operation: "fstat", errno: errno)
        }
        return Status(info)
    }

    /// The status of the file at `path`; `nil` when nothing is there.
    static func status(atPath path: String) throws -> Status? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return nil }
            throw TailError.fileAccess(path: path, operation: "stat", errno: code)
        }
        return Status(info)
    }

    /// Reads up to `buffer.count` bytes at `offset`; 0 at the end of the file.
    static func read(
        _ fd: CInt, into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64, path: String
    ) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = pread(fd, base, buffer.count, off_t(truncatingIfNeeded: offset))
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw TailError.fileAccess(path: path, operation: "read", errno: errno)
        }
    }

    /// Reads from a pipe or socket; 0 at end of stream. Retries interruptions.
    static func readStream(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Darwin)
            let count = Darwin.read(fd, base, buffer.count)
            #elseif canImport(Musl)
            let count = Musl.read(fd, base, buffer.count)
            #else
            let count = Glibc.read(fd, base, buffer.count)
            #endif
            if count >= 0 { return count }
            if errno == EINTR { continue }
            return 0
        }
    }

    /// A stable hash of the first `length` bytes of an open file, and how many bytes it covers (fewer
    /// when the file is shorter).
    static func prefixFingerprint(
        _ fd: CInt, length: Int, path: String
    ) throws -> (length: Int, value: UInt64) {
        guard length > 0 else { return (0, StableHasher().finalize()) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 8)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < length {
            let count = try read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), at: UInt64(filled), path: path)
            if count == 0 { break }
            filled += count
        }
        var hasher = StableHasher()
        hasher.combine(bytes: UnsafeBufferPointer(start: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), count: filled))
        return (filled, hasher.finalize())
    }

    /// A stable hash of an open file's first line (without its newline; its first `maximumLength` bytes
    /// when it is longer, or when no newline has been written yet).
    static func firstLineFingerprint(_ fd: CInt, maximumLength: Int, path: String) throws -> UInt64 {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, maximumLength), alignment: 8)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < maximumLength {
            let count = try read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<maximumLength]), at: UInt64(filled), path: path)
            if count == 0 { break }
            if let newline = buffer[filled..<(filled + count)].firstIndex(of: UInt8(ascii: "\n")) {
                filled = newline
                break
            }
            filled += count
        }
        var hasher = StableHasher()
        hasher.combine(bytes: UnsafeBufferPointer(start: buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), count: filled))
        return hasher.finalize()
    }

    /// This machine's host name (`gethostname`), or "" when it cannot be read.
    static func hostName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func close(_ fd: CInt) {
        #if canImport(Darwin)
        _ = Darwin.close(fd)
        #elseif canImport(Musl)
        _ = Musl.close(fd)
        #else
        _ = Glibc.close(fd)
        #endif
    }

    /// `strerror` text for an errno value.
    static func describe(errno code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)) (errno \(code))"
    }
}

extension SystemFile.Status {
    fileprivate init(_ info: stat) {
        self.init(
            identity: .init(device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(truncatingIfNeeded: info.st_ino)),
            size: UInt64(truncatingIfNeeded: max(0, info.st_size))
        )
    }
}
