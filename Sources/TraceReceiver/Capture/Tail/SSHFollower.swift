#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import RequestTracing
import Synchronization

/// The loop of an ``SSHTailer``: runs `ssh`, reads its output on the tailer's own thread, and starts it
/// again when it ends. Not thread-safe itself; one instance per iteration.
final class SSHFollower {
    /// How long to wait for ssh's stderr to close after its stdout did.
    static let stderrDrainTimeout = Duration.seconds(2)
    /// How long ssh gets to exit after SIGTERM (sent once its stdout closed) before SIGKILL.
    static let exitGracePeriod = Duration.seconds(5)
    /// Bytes of stderr kept per run for error messages.
    static let diagnosticsKeptBytes = 4096
    /// Bytes of remote output tolerated before the offset marker (a chatty login shell).
    static let maximumPreambleBytes = 64 * 1024

    private let tailer: SSHTailer
    private let executable: String
    private let channel: TailLineChannel
    private let reporter: DiagnosticReporter
    private var splitter: LineSplitter
    private let buffer: UnsafeMutableRawBufferPointer
    private var found: [LineSplitter.Line] = []
    /// Offset just after the last line yielded; `nil` until the first run reached `tail`.
    private var resumeOffset: UInt64?

    init(tailer: SSHTailer, executable: String, channel: TailLineChannel) {
        self.tailer = tailer
        self.executable = executable
        self.channel = channel
        self.reporter = DiagnosticReporter(memory: tailer.configuration.diagnosticMemory, onEvent: tailer.configuration.onEvent)
        self.splitter = LineSplitter(maximumLineLength: tailer.configuration.maximumLineLength)
        self.buffer = .allocate(byteCount: tailer.configuration.readChunkSize, alignment: 16)
        if tailer.configuration.startPosition == .beginning { resumeOffset = 0 }
    }

    deinit {
        buffer.deallocate()
    }

    /// How one ssh run ended.
    private struct Outcome {
        var reachedTail: Bool
        var status: Int32
        var wasSignalled: Bool
        var diagnostics: String
    }

    func run() throws {
        let configuration = tailer.configuration
        let destination = tailer.target.destination
        var failures = 0
        while !channel.isCancelled {
            guard let outcome = try runOnce(attempt: failures + 1) else { return }
            if channel.isCancelled { return }
            if !outcome.reachedTail {
                try Self.throwIfPermanent(outcome, destination: destination)
                failures += 1
                if let limit = configuration.maximumConsecutiveFailures, failures >= limit {
                    throw TailError.sshGaveUp(destination: destination, attempts: failures, diagnostics: outcome.diagnostics)
                }
            } else {
                failures = 0
            }
            let delay = configuration.backoff.delay(afterFailures: failures)
            configuration.onEvent?(.disconnected(exitStatus: outcome.status, wasSignalled: outcome.wasSignalled, retryDelay: delay))
            guard channel.sleep(for: delay) else { return }
        }
    }

    /// Failures that retrying cannot fix.
    private static func throwIfPermanent(_ outcome: Outcome, destination: String) throws {
        let text = outcome.diagnostics.lowercased()
        if !outcome.wasSignalled, outcome.status == Self.sshErrorStatus {
            if text.contains("host key verification failed") || text.contains("remote host identification has changed") {
                throw TailError.sshHostKeyVerificationFailed(destination: destination, diagnostics: outcome.diagnostics)
            }
            if text.contains("permission denied") || text.contains("too many authentication failures") {
                throw TailError.sshAuthenticationFailed(destination: destination, diagnostics: outcome.diagnostics)
            }
        }
        if !outcome.wasSignalled, Self.commandNotRunnableStatuses.contains(outcome.status) {
            throw TailError.remoteCommandFailed(destination: destination, status: outcome.status, diagnostics: outcome.diagnostics)
        }
    }

    /// ssh's exit status for its own errors (connection, authentication, host key).
    static let sshErrorStatus: Int32 = 255
    /// Shell exit statuses for a command that was not found or not executable.
    static let commandNotRunnableStatuses: Set<Int32> = [126, 127]

    /// One ssh run, until its output ends. `nil` when the consumer went away meanwhile.
    private func runOnce(attempt: Int) throws -> Outcome? {
        let process = try SpawnedProcess.spawn(executable: executable, arguments: tailer.arguments(requestedOffset: resumeOffset))
        let pid = process.processID
        tailer.configuration.onEvent?(.started(processID: pid, attempt: attempt))
        // Runs on the consumer's side when it goes away: the read below then sees the end of the output.
        // The pid cannot have been reused: the hook is removed before the child is waited for.
        channel.setCancelHook { _ = kill(pid, SIGTERM) }

        let stderrDone = DispatchSemaphore(value: 0)
        let collected = DiagnosticsText()
        let reporter = self.reporter
        // The reader thread owns a duplicate of stderr's read end and closes it when done, so the
        // descriptor stays valid however long a grandchild of ssh keeps the write end open.
        let stderrFD = fcntl(process.standardError, F_DUPFD_CLOEXEC, 0)
        let stderrThread = Thread {
            if stderrFD >= 0 {
                Self.readDiagnostics(from: stderrFD, reporter: reporter, collected: collected)
                SystemFile.close(stderrFD)
            }
            stderrDone.signal()
        }
        stderrThread.name = "trace-receiver.tail ssh stderr"
        stderrThread.start()

        let reachedTail = readOutput(from: process.standardOutput, processID: pid)

        // Output closed: ssh is exiting (or we stopped reading because the consumer went).
        channel.setCancelHook(nil)
        var termination = process.wait(timeout: Self.exitGracePeriod)
        if termination == nil {
            process.send(SIGTERM)
            termination = process.wait(timeout: Self.exitGracePeriod)
        }
        if termination == nil {
            process.send(SIGKILL)
            termination = process.wait()
        }
        _ = stderrDone.wait(timeout: .now() + Self.stderrDrainTimeout.dispatchInterval)
        splitter.reset()
        if channel.isCancelled { return nil }
        return Outcome(
            reachedTail: reachedTail,
            status: termination?.status ?? -1,
            wasSignalled: termination?.wasSignalled ?? false,
            diagnostics: collected.text.withLock { $0 }
        )
    }

    /// Reads ssh's standard output: the offset marker, then the file's bytes, sending complete lines.
    /// Returns whether the marker arrived (the remote `tail` started).
    private func readOutput(from fd: CInt, processID: Int32) -> Bool {
        var preamble: [UInt8] = []
        var position: UInt64?
        while true {
            let count = SystemFile.readStream(fd, into: buffer)
            if count == 0 { return position != nil }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            if let start = position {
                guard let next = deliver(chunk, startingAt: start) else { return true }
                position = next
                continue
            }
            preamble.append(contentsOf: chunk)
            guard let marker = Self.parseMarker(&preamble) else {
                if preamble.count > Self.maximumPreambleBytes { preamble.removeFirst(preamble.count - Self.maximumPreambleBytes) }
                continue
            }
            let (offset, rest) = marker
            resumeOffset = offset
            tailer.configuration.onEvent?(.connected(processID: processID, offset: offset))
            let next = rest.withUnsafeBytes { deliver($0, startingAt: offset) }
            guard let next else { return true }
            position = next
        }
    }

    /// Feeds file bytes that start at `start`; returns the offset after them, or `nil` once the
    /// consumer has gone.
    private func deliver(_ bytes: UnsafeRawBufferPointer, startingAt start: UInt64) -> UInt64? {
        found.removeAll(keepingCapacity: true)
        splitter.feed(bytes, startingAt: start, into: &found)
        for line in found {
            guard channel.send(TailedLine(bytes: line.bytes, skippedBytes: line.skippedBytes, offset: line.endOffset)) else {
                return nil
            }
            resumeOffset = line.endOffset
        }
        return start + UInt64(bytes.count)
    }

    /// Finds the marker line in what the remote side printed first; returns the offset and the bytes
    /// after the marker line. Lines before it (a login shell's chatter) are dropped.
    static func parseMarker(_ preamble: inout [UInt8]) -> (UInt64, [UInt8])? {
        let marker = Array(RemoteShell.offsetMarker.utf8)
        while let newline = preamble.firstIndex(of: UInt8(ascii: "\n")) {
            let line = preamble[..<newline]
            if line.starts(with: marker), let offset = UInt64(String(decoding: line.dropFirst(marker.count), as: UTF8.self)) {
                return (offset, Array(preamble[(newline + 1)...]))
            }
            preamble.removeSubrange(...newline)
        }
        return nil
    }

    /// Reads ssh's standard error line by line until it closes: reports each line (once per tailer)
    /// and keeps the last few KiB for error messages.
    private static func readDiagnostics(from fd: CInt, reporter: DiagnosticReporter, collected: DiagnosticsText) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: diagnosticsKeptBytes, alignment: 16)
        defer { buffer.deallocate() }
        var pending: [UInt8] = []
        func report(_ bytes: some Sequence<UInt8>) {
            let text = String(decoding: Array(bytes), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { return }
            collected.text.withLock { kept in
                kept += (kept.isEmpty ? "" : "\n") + text
                if kept.utf8.count > diagnosticsKeptBytes { kept = String(kept.suffix(diagnosticsKeptBytes)) }
            }
            reporter.report(text)
        }
        while true {
            let count = SystemFile.readStream(fd, into: buffer)
            if count == 0 { break }
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                report(pending[..<newline])
                pending.removeSubrange(...newline)
            }
            if pending.count > diagnosticsKeptBytes {
                report(pending)
                pending.removeAll()
            }
        }
        report(pending)
    }
}

/// What one ssh run wrote on stderr (the last few KiB), shared with its reader thread.
final class DiagnosticsText: Sendable {
    let text = Mutex("")
}

/// Reports each distinct diagnostic once (remembering a bounded number of them).
final class DiagnosticReporter: Sendable {
    private struct Seen {
        var set: Set<String> = []
        var order: [String] = []
    }

    private let seen = Mutex(Seen())
    private let memory: Int
    private let onEvent: (@Sendable (SSHTailerEvent) -> Void)?

    init(memory: Int, onEvent: (@Sendable (SSHTailerEvent) -> Void)?) {
        self.memory = max(1, memory)
        self.onEvent = onEvent
    }

    func report(_ message: String) {
        let isNew = seen.withLock { seen in
            guard seen.set.insert(message).inserted else { return false }
            seen.order.append(message)
            if seen.order.count > memory { seen.set.remove(seen.order.removeFirst()) }
            return true
        }
        if isNew { onEvent?(.diagnostic(message)) }
    }
}
