import Dispatch
import Foundation

/// Follows a local file like `tail -F`, yielding each complete line once, across rotations and restarts.
///
/// - Appends are picked up within ``Configuration/pollInterval``.
/// - Rotation by rename and create: the old file is read to its end through the descriptor still open
///   on it (a line left without a newline is delivered as it is), then the new file from offset 0.
///   While nothing is at the path yet the old file stays open and keeps being read.
/// - Rotation by copy and truncate: when the file becomes shorter than the offset read so far, or its
///   first bytes change, reading restarts at offset 0. (Lines written between the copy and the
///   truncation are lost, by the nature of copytruncate; the tailer cannot see them.)
/// - A file that does not exist yet is waited for, and read from its beginning once it appears.
/// - Restart: each line carries a ``TailCheckpoint``; ``commit(_:)`` it once the line has been handled
///   and the next ``lines()`` resumes just after it. Without a checkpoint, reading starts at
///   ``Configuration/startPosition``. A checkpoint for a file that has since been replaced (another
///   inode, or the same inode with other first bytes) restarts at the beginning of the new file; lines
///   appended to the old file after the checkpoint, before it was rotated away, are not looked for.
/// - Each line carries an ``TailedLine/origin`` that a line read again (after a restart from an older
///   checkpoint) carries too: its file's ``TailCheckpoint/generation`` and its offset.
///
/// ```swift
/// var configuration = FileTailer.Configuration()
/// configuration.stateDirectory = ".trace-receiver/tail"
/// let tailer = FileTailer(path: "/var/log/app.log", configuration: configuration)
/// for try await line in tailer.lines() {
///     try await ship(line.bytes)
///     if let checkpoint = line.checkpoint { try await tailer.commit(checkpoint) }
/// }
/// ```
///
/// Reading happens on a thread of the tailer's own, not in Swift's cooperative pool nor on a NIO
/// event loop: reads and `stat` calls on regular files always block (`O_NONBLOCK` has no effect on
/// them), and following a file means waking every poll interval forever. A dedicated thread that
/// sleeps on a condition between polls costs one thread per followed file, which is nothing for the
/// few files a process follows, and keeps the blocking where it cannot starve other work.
/// (`NonBlockingFileIO` would hop to a thread pool for every read and still need a timer for polling.)
public struct FileTailer: Sendable {
    /// The followed file, as an absolute path.
    public let path: String
    /// The settings.
    public let configuration: Configuration
    private let commitQueue: DispatchQueue

    /// Creates a tailer for `path` (a relative path is resolved against the current directory now).
    public init(path: String, configuration: Configuration = Configuration()) {
        self.path = Self.absolutePath(path)
        self.configuration = configuration
        self.commitQueue = DispatchQueue(label: "trace-receiver.tail.checkpoint")
    }

    /// The lines of the file: the ones already there (from the checkpoint or the start position) and
    /// every one appended after. See ``TailLineSequence``.
    public func lines() -> TailLineSequence {
        let path = self.path
        let configuration = self.configuration
        return TailLineSequence(
            bufferCapacity: configuration.bufferedLineLimit,
            threadName: "trace-receiver.tail \(path)"
        ) { channel in
            do {
                try configuration.validate()
                let checkpoint = try configuration.stateDirectory.flatMap { try TailCheckpointStore(directory: $0).load(for: path) }
                let follower = FileFollower(path: path, configuration: configuration, channel: channel, checkpoint: checkpoint)
                try follower.run()
                channel.finish()
            } catch {
                channel.finish(throwing: error)
            }
        }
    }

    /// Saves `checkpoint` (from a line already handled) in ``Configuration/stateDirectory``, so the
    /// next ``lines()`` resumes after that line. Does nothing when no state directory is configured.
    ///
    /// The write (temporary file, `fsync`, rename) runs on a serial dispatch queue, so saves happen in
    /// call order and never block the caller's thread.
    public func commit(_ checkpoint: TailCheckpoint) async throws {
        guard let directory = configuration.stateDirectory else { return }
        let path = self.path
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            commitQueue.async {
                continuation.resume(with: Result { try TailCheckpointStore(directory: directory).save(checkpoint, for: path) })
            }
        }
    }

    /// The checkpoint saved for this file, if any.
    public func savedCheckpoint() async throws -> TailCheckpoint? {
        guard let directory = configuration.stateDirectory else { return nil }
        let path = self.path
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<TailCheckpoint?, any Error>) in
            commitQueue.async {
                continuation.resume(with: Result { try TailCheckpointStore(directory: directory).load(for: path) })
            }
        }
    }

    static func absolutePath(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
        let current = FileManager.default.currentDirectoryPath
        return ((current as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
    }
}
