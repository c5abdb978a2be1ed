#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Keeps one ``TailCheckpoint`` per followed file in a state directory (the `trace-receiver tail`
/// command uses `./.trace-receiver/tail/`).
///
/// Each file's checkpoint is a small JSON file named after the followed file's name and a hash of its
/// absolute path. ``save(_:for:)`` writes a temporary file, syncs it and renames it over the old one,
/// so a crash leaves either the old checkpoint or the new one, never a torn one.
///
/// The methods do blocking file I/O: call them from a thread of your own or a dispatch queue (as
/// ``FileTailer/commit(_:)`` does), not from an event loop.
public struct TailCheckpointStore: Sendable {
    /// The directory holding the checkpoint files; created on the first save.
    public let directory: String

    /// Creates a store over `directory` (relative paths are resolved against the current directory).
    public init(directory: String) {
        self.directory = FileTailer.absolutePath(directory)
    }

    private struct Stored: Codable {
        var version: Int
        var path: String
        var checkpoint: TailCheckpoint
    }

    private static let formatVersion = 1

    /// The file that holds the checkpoint for the followed file at `path`.
    public func checkpointFile(for path: String) -> String {
        let absolute = FileTailer.absolutePath(path)
        var hasher = StableHasher()
        hasher.combine(absolute)
        let hash = String(hasher.finalize(), radix: 16)
        let name = (absolute as NSString).lastPathComponent
        let safeName = String(name.unicodeScalars.map { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-" || scalar == "_"
                ? Character(scalar) : "_"
        }.prefix(Self.maximumNameLength))
        return directory + "/" + safeName + "-" + hash + ".checkpoint.json"
    }

    /// How much of the followed file's name goes into the checkpoint file's name.
    static let maximumNameLength = 64

    /// The saved checkpoint for `path`, or `nil` when there is none (or it was saved for another path).
    public func load(for path: String) throws -> TailCheckpoint? {
        let file = checkpointFile(for: path)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw TailError.checkpointStorage(path: file, reason: "cannot read: \(error.localizedDescription)")
        }
        let stored: Stored
        do {
            stored = try JSONDecoder().decode(Stored.self, from: data)
        } catch {
            throw TailError.checkpointStorage(path: file, reason: "not a checkpoint file (\(error)); delete it to start over")
        }
        guard stored.version == Self.formatVersion, stored.path == FileTailer.absolutePath(path) else { return nil }
        return stored.checkpoint
    }

    /// Saves `checkpoint` for `path`, atomically (write a temporary file, sync, rename).
    public func save(_ checkpoint: TailCheckpoint, for path: String) throws {
        let file = checkpointFile(for: path)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TailError.checkpointStorage(path: directory, reason: "cannot create the directory: \(error.localizedDescription)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let stored = Stored(version: Self.formatVersion, path: FileTailer.absolutePath(path), checkpoint: checkpoint)
        let data: Data
        do {
            data = try encoder.encode(stored)
        } catch {
            throw TailError.checkpointStorage(path: file, reason: "cannot encode: \(error)")
        }
        let temporary = file + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw TailError.checkpointStorage(path: temporary, reason: "cannot create: \(SystemFile.describe(errno: errno))")
        }
        var failure: String?
        data.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let count = write(fd, raw.baseAddress! + written, raw.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = "cannot write: \(SystemFile.describe(errno: errno))"
                    return
                }
                written += count
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = "cannot sync: \(SystemFile.describe(errno: errno))" }
        SystemFile.close(fd)
        if failure == nil, rename(temporary, file) != 0 { failure = "cannot rename into place: \(SystemFile.describe(errno: errno))" }
        if let failure {
            unlink(temporary)
            throw TailError.checkpointStorage(path: file, reason: failure)
        }
    }

    /// Deletes the checkpoint for `path`, if any.
    public func remove(for path: String) throws {
        let file = checkpointFile(for: path)
        if unlink(file) != 0, errno != ENOENT {
            throw TailError.checkpointStorage(path: file, reason: "cannot delete: \(SystemFile.describe(errno: errno))")
        }
    }
}
