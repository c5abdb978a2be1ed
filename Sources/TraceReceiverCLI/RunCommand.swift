#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import Foundation
import RequestTracing
import RequestTracingShipper
import Synchronization
import TraceReceiver

/// `trace-receiver run [--service NAME] -- CMD ARGS…`: run a program unchanged and capture its output.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a program, pass its output through untouched, and capture every line into the receiver.",
        discussion: """
            Starts a receiver in the background if none answers (store ./.trace-receiver), runs the command with \
            TRACE_RECEIVER_URL set, passes its stdout and stderr through byte for byte, forwards signals to it and \
            exits with its exit status. Each line is parsed (JSON loggers, logfmt, common formats, plain text; \
            stack traces joined to their event) and shipped with source "capture". A record the program also \
            streams itself (RequestTracing with TRACE_RECEIVER_URL) is stored once. Under docker compose, \
            foreman, honcho or overmind each line's `NAME | ` prefix names its service, and under `kubectl logs \
            --prefix` its `[pod/POD/CONTAINER] ` (see --service-prefixes).

            Example:  trace-receiver run --service api -- python3 app.py --port 8000
                      trace-receiver run -- docker compose up
            """
    )

    @OptionGroup var options: CaptureOptions

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    /// How long to wait, once the program has exited, for its output pipes to reach end of file (a
    /// background process it started may hold them open).
    static let outputDrainTimeout = Duration.seconds(2)

    mutating func validate() throws {
        if command.first == "--" { command.removeFirst() }
        guard !command.isEmpty else { throw ValidationError("give the command to run after --, e.g. trace-receiver run -- npm start") }
    }

    func run() async throws {
        try await options.ensureReceiver(note: Self.note)
        let baseURL = options.baseURL
        let serviceName = options.service ?? URL(fileURLWithPath: command[0]).lastPathComponent
        let parser = try options.makeParser(service: serviceName)
        let shipper = try options.makeShipper(kind: "run", service: serviceName, note: { Self.note($0) })
        let forwarder = CaptureForwarder(
            parser: parser,
            sink: shipper,
            readsServicePrefixes: options.servicePrefixes.readsPrefixes(command: command)
        )

        var environment = ProcessInfo.processInfo.environment
        environment["TRACE_RECEIVER_URL"] = baseURL
        let child: ChildProcess
        // Before the child starts: a signal sent to us from now on reaches it (once it runs).
        SignalForwarding.install()
        do {
            child = try ChildProcess.spawn(command, environment: environment)
        } catch {
            SignalForwarding.restoreDefaults()
            Self.note("\(error)")
            throw ExitCode(error.exitStatus)
        }
        SignalForwarding.forward(to: child.pid)

        let status = try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask { try? await shipper.run(); return nil }
            group.addTask {
                await forwarder.flushIdleEventsUntilCancelled()
                return nil
            }
            group.addTask {
                let drained = Completion()
                Task {
                    async let stdout: Void = Self.capture(child.output, passThroughTo: STDOUT_FILENO, stream: 1, forwarder: forwarder)
                    async let stderr: Void = Self.capture(child.errorOutput, passThroughTo: STDERR_FILENO, stream: 2, forwarder: forwarder)
                    _ = await (stdout, stderr)
                    drained.finish()
                }
                let status = await child.waitForExit()
                // A background process the program started may keep its output open: wait a little for end
                // of file, not forever (the reading threads end with this process).
                let deadline = ContinuousClock.now + Self.outputDrainTimeout
                while !drained.isFinished && ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(20))
                }
                forwarder.finish()
                await Self.deliverLastLines(shipper, stallTimeout: options.exitFlushDuration)
                return status
            }
            var status: Int32 = 0
            while let result = try await group.next() {
                if let result {
                    status = result
                    group.cancelAll()
                }
            }
            return status
        }
        throw ExitCode(status)
    }

    /// Once the program has exited: waits while the receiver keeps acknowledging its last lines (a
    /// receiver that rate-limits the service takes a burst at its own pace), saying so when that takes
    /// more than a second, and gives up after `stallTimeout` without progress. Signals now act on this
    /// process as on any other, so Ctrl-C stops the wait; what is left stays spooled for the next run.
    static func deliverLastLines(_ shipper: LogShipper, stallTimeout: Duration) async {
        SignalForwarding.restoreDefaults()
        let spool = shipper.configuration.spoolDirectory
        guard !(await shipper.flush(timeout: .seconds(1))) else { return }
        let waiting = shipper.statistics
        note("sending the last \(waiting.spooledRecords + waiting.queuedRecords) captured records to the receiver (Ctrl-C leaves them in \(spool) for the next run)")
        guard !(await shipper.flush(stallTimeout: stallTimeout)) else { return }
        let left = shipper.statistics
        note("\(left.spooledRecords + left.queuedRecords) captured records not yet acknowledged; they stay in \(spool) and are sent by the next run")
    }

    /// Copies a child's output stream to ours byte for byte and feeds its lines to the forwarder.
    static func capture(_ descriptor: Int32, passThroughTo target: Int32, stream: Int, forwarder: CaptureForwarder) async {
        let splitter = SplitterBox()
        await ChildProcess.readToEnd(descriptor) { chunk in
            ChildProcess.writeAll(chunk, to: target)
            forwarder.append(lines: splitter.append(chunk), stream: stream)
        }
        if let rest = splitter.finish() { forwarder.append(line: rest.bytes, stream: stream, skippedBytes: rest.skippedBytes) }
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("[trace-receiver run] \(message)\n".utf8))
    }
}

/// A ``LineSplitter`` used from the one Dispatch thread that reads a pipe, then from the task awaiting it.
private final class SplitterBox: Sendable {
    private struct State {
        var splitter = LineSplitter(maximumLineLength: CaptureForwarder.maximumLineBytes)
        var offset: UInt64 = 0
    }

    private let state = Mutex(State())

    func append(_ chunk: [UInt8]) -> [LineSplitter.Line] {
        state.withLock { state in
            var lines: [LineSplitter.Line] = []
            chunk.withUnsafeBytes { state.splitter.feed($0, startingAt: state.offset, into: &lines) }
            state.offset += UInt64(chunk.count)
            return lines
        }
    }

    func finish() -> LineSplitter.Line? {
        state.withLock { state in state.splitter.flush(at: state.offset) }
    }
}

/// Set once the child's output has been read to its end.
private final class Completion: Sendable {
    private let done = Atomic<Bool>(false)
    func finish() { done.store(true, ordering: .releasing) }
    var isFinished: Bool { done.load(ordering: .acquiring) }
}
