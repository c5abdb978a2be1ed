import Foundation
import RequestTracing
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A program the tests start, with `posix_spawn` rather than Foundation's `Process`: on Linux,
/// `Process.run()` now and then crashes a process that has many descriptors open (it over-reads
/// `/proc/self/fd` entries; swiftlang/swift-corelibs-foundation#5472, about one run in twenty of this
/// suite under load), and `FileHandle.readDataToEndOfFile()` traps when a read is interrupted (`EINTR`).
///
/// Standard input is `/dev/null`; standard output and error go to pipes (read by ``finish()``), to
/// `/dev/null` or to a file. The exit status is the program's, or 128 + the signal that ended it.
public final class SpawnedProgram: Sendable {
    /// Where one of the program's outputs goes.
    public enum Output: Sendable {
        case pipe, null
        case file(String)
    }

    public let processIdentifier: pid_t
    private let output: Int32
    private let errors: Int32
    private let status = Mutex<Int32?>(nil)

    /// Starts `executable` (a path) with `arguments` and this process's environment plus `environment`
    /// (an empty value removes a variable), in `directory` when given.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
        standardOutput: Output = .pipe, standardError: Output = .pipe
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        var readEnds: [Int32] = []
        var writeEnds: [Int32] = []
        func route(_ destination: Output, to target: Int32) throws -> Int32 {
            switch destination {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
                return -1
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
                return -1
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard pipe(&ends) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                posix_spawn_file_actions_adddup2(&actions, ends[1], target)
                readEnds.append(ends[0])
                writeEnds.append(ends[1])
                return ends[0]
            }
        }
        let output = try route(standardOutput, to: STDOUT_FILENO)
        let errors = try route(standardError, to: STDERR_FILENO)
        // The child gets nothing else of ours: a socket it inherited (a test's client connection, say)
        // would stay open after the test closes it. (Foundation's Process closes them the same way.) The
        // listing is read in place, not with FileManager, whose readdir over-read is the crash above.
        for name in DirectoryListing.names(in: "/proc/self/fd") ?? [] {
            if let descriptor = Int32(name), descriptor > STDERR_FILENO {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
        // glibc's posix_spawn_file_actions_addchdir_np is not imported; coreutils' env changes directory.
        let (executable, arguments) = directory.map { ("/usr/bin/env", ["-C", $0, executable] + arguments) } ?? (executable, arguments)

        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value.isEmpty ? nil : value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
            for end in writeEnds { close(end) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else {
            for end in readEnds { close(end) }
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
        self.output = output
        self.errors = errors
    }

    deinit {
        if output >= 0 { close(output) }
        if errors >= 0 { close(errors) }
    }

    /// Whether the program has not exited yet (an exited one is reaped and its status kept). Never
    /// blocks: the cooperative pool may ask while ``finish()`` waits on a thread of its own.
    public var isRunning: Bool {
        if status.withLock({ $0 }) != nil { return false }
        var raw: Int32 = 0
        let reaped = waitpid(processIdentifier, &raw, WNOHANG)
        if reaped == processIdentifier { record(raw) }
        // 0: still running; -1 (ECHILD): ``finish()`` reaped it a moment ago.
        return reaped == 0
    }

    /// The exit status, once ``isRunning`` or ``finish()`` has seen the program end.
    public var terminationStatus: Int32? { status.withLock { $0 } }

    /// Sends `signal` to the program.
    public func send(_ signal: Int32) {
        if isRunning { kill(processIdentifier, signal) }
    }

    /// Reads the piped outputs to their end and waits for the exit, on threads of their own
    /// (``BlockingThread``), never the cooperative pool; the status with everything written.
    public func finish() async -> (status: Int32, stdout: Data, stderr: Data) {
        let (output, errors) = (output, errors)
        async let written = BlockingThread.run { Self.readAll(errors) }
        let printed = await BlockingThread.run { Self.readAll(output) }
        let exit = await BlockingThread.run { [self] in waitForExit() }
        return (exit, printed, await written)
    }

    /// Blocks until the program has exited; its status. The lock is never held while waiting.
    private func waitForExit() -> Int32 {
        var unknown = 0
        while true {
            if let held = status.withLock({ $0 }) { return held }
            var raw: Int32 = 0
            let reaped = waitpid(processIdentifier, &raw, 0)
            if reaped == processIdentifier {
                record(raw)
            } else if reaped < 0 && errno != EINTR {
                // Reaped by ``isRunning``, which is about to record the status (or by someone else: -1).
                unknown += 1
                if unknown > 5_000 { return -1 }
                usleep(1_000)
            }
        }
    }

    private func record(_ raw: Int32) {
        status.withLock { $0 = $0 ?? Self.shellStatus(raw) }
    }

    private static func shellStatus(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }

    /// Everything readable from `descriptor` until its end (empty for -1); retries `EINTR`.
    private static func readAll(_ descriptor: Int32) -> Data {
        guard descriptor >= 0 else { return Data() }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return data }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }
}
