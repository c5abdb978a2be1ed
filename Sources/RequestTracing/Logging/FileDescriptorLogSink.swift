#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization


/// A ``LogSink`` that writes lines to a file descriptor (standard output by default) from a background
/// queue.
///
/// The logging call only appends the line to an in-memory buffer under a lock; a serial dispatch queue
/// (a thread outside Swift's cooperative pool and NIO's event loops) does the `write(2)` calls,
/// ``flushInterval`` after the first unwritten line, so a busy service pays one system call and one
/// thread wake-up per interval rather than per line. The buffer is bounded: past ``maximumBufferedBytes`` new lines are dropped and counted
/// (``droppedLineCount``), and the count is reported in a warning line once the writer catches up. Lines
/// still buffered at process exit are flushed by an `atexit` hook.
public final class FileDescriptorLogSink: LogSink {
    /// Standard output.
    public static let standardOutput = FileDescriptorLogSink(fileDescriptor: STDOUT_FILENO)
    /// Standard error.
    public static let standardError = FileDescriptorLogSink(fileDescriptor: STDERR_FILENO)

    /// Default bound on buffered, unwritten bytes.
    public static let defaultMaximumBufferedBytes = 8 * 1024 * 1024
    /// Default delay between the first unwritten line and the write that includes it.
    public static let defaultFlushInterval = Duration.milliseconds(1)

    private struct State {
        var pending: [UInt8] = []
        var draining = false
        var droppedSinceReport = 0
        var droppedTotal = 0
    }

    private let fileDescriptor: Int32
    private let maximumBufferedBytes: Int
    private let flushDelay: DispatchTimeInterval
    private let state = Mutex(State())
    private let queue: DispatchQueue
    /// Whether the descriptor is a terminal; fixed at creation.
    public let isTerminal: Bool

    /// Creates a sink for `fileDescriptor`, which it does not close.
    ///
    /// - Parameters:
    ///   - fileDescriptor: Where lines are written.
    ///   - maximumBufferedBytes: Bound on unwritten bytes; lines past it are dropped and counted.
    ///   - flushInterval: How long a line may wait to be batched with later ones.
    public init(
        fileDescriptor: Int32,
        maximumBufferedBytes: Int = FileDescriptorLogSink.defaultMaximumBufferedBytes,
        flushInterval: Duration = FileDescriptorLogSink.defaultFlushInterval
    ) {
        self.fileDescriptor = fileDescriptor
        self.maximumBufferedBytes = maximumBufferedBytes
        let (seconds, attoseconds) = flushInterval.components
        self.flushDelay = .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        self.isTerminal = isatty(fileDescriptor) == 1
        self.queue = DispatchQueue(label: "request-tracing.log-sink.fd\(fileDescriptor)")
        FileDescriptorLogSink.registerForExitFlush(self)
    }

    /// Lines dropped because the buffer was full, since the sink was made.
    public var droppedLineCount: Int {
        state.withLock { $0.droppedTotal }
    }

    public func write(_ line: [UInt8]) {
        line.withUnsafeBytes { write(bytes: $0) }
    }

    public func write(bytes line: UnsafeRawBufferPointer) {
        let shouldSchedule = state.withLock { state -> Bool in
            guard state.pending.count + line.count <= maximumBufferedBytes else {
                state.droppedSinceReport += 1
                state.droppedTotal += 1
                return false
            }
            state.pending.append(contentsOf: line)
            if state.draining { return false }
            state.draining = true
            return true
        }
        if shouldSchedule {
            queue.asyncAfter(deadline: .now() + flushDelay) { self.drain() }
        }
    }

    /// Blocks until every line accepted so far has been written.
    public func flush() {
        queue.sync { self.drain() }
    }

    private func drain() {
        while true {
            let (chunk, dropped) = state.withLock { state -> ([UInt8], Int) in
                let chunk = state.pending
                let dropped = state.droppedSinceReport
                state.pending = []
                state.pending.reserveCapacity(min(chunk.count, 64 * 1024))
                state.droppedSinceReport = 0
                if chunk.isEmpty && dropped == 0 { state.draining = false }
                return (chunk, dropped)
            }
            if chunk.isEmpty && dropped == 0 { return }
            writeFully(chunk)
            if dropped > 0 {
                writeFully(Array(
                    "{\"timestamp\":\"\(UTCTimestamp.now().description)\",\"level\":\"warning\",\"service\":\"request-tracing\",\"source\":\"backend\",\"event\":\"log_lines_dropped\",\"message\":\"log sink buffer full; \(dropped) lines dropped\",\"fields\":{\"dropped\":\(dropped)}}\n".utf8
                ))
            }
        }
    }

    private func writeFully(_ bytes: [UInt8]) {
        // On failure (EPIPE, EBADF, ...) there is nowhere to write; the bytes are lost with the descriptor.
        bytes.withUnsafeBytes { FileDescriptorWriter.writeAll($0, to: fileDescriptor) }
    }

    // MARK: Exit flush

    private static let sinksToFlushAtExit = Mutex<[FileDescriptorLogSink]>([])
    private static let exitHookInstalled = Mutex(false)

    private static func registerForExitFlush(_ sink: FileDescriptorLogSink) {
        sinksToFlushAtExit.withLock { $0.append(sink) }
        let install = exitHookInstalled.withLock { installed -> Bool in
            defer { installed = true }
            return !installed
        }
        if install {
            atexit { FileDescriptorLogSink.flushAllAtExit() }
        }
    }

    private static func flushAllAtExit() {
        for sink in sinksToFlushAtExit.withLock({ $0 }) { sink.flush() }
    }
}
