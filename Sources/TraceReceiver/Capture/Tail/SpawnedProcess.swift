#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A child process started with `posix_spawn`, its stdin on `/dev/null` and its stdout and stderr on
/// pipes (socket pairs on Linux), waited for with `waitpid`.
///
/// Used instead of Foundation's `Process` because the tailer's thread must learn at once when ssh has
/// exited (Foundation reports termination through a handler that may arrive late) and must control
/// what the child inherits: our pipe ends are close-on-exec, so no other child holds them open, and the
/// signals this process ignores or blocks (servers often ignore `SIGPIPE`, `SIGTERM` and `SIGINT` to
/// handle them through dispatch sources) are reset to their defaults, so that `SIGTERM` stops ssh.
///
/// Blocking: ``wait(timeout:)`` polls; call it from a thread of your own.
final class SpawnedProcess: Sendable {
    /// How a child ended.
    struct Termination: Hashable {
        /// The exit status, or the number of the signal that killed it.
        var status: Int32
        var wasSignalled: Bool
    }

    /// How often ``wait(timeout:)`` looks at the child.
    static let waitPollInterval = Duration.milliseconds(5)
    /// Signals reset to their default action in the child.
    static let resetSignals: [Int32] = [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD]

    let processID: pid_t
    /// Read end of the child's standard output.
    let standardOutput: CInt
    /// Read end of the child's standard error.
    let standardError: CInt
    /// How the child ended, once ``wait(timeout:)`` has seen it (guarded: a stop may come from any thread).
    private let ended = Mutex<Termination?>(nil)

    var termination: Termination? { ended.withLock { $0 } }

    private init(processID: pid_t, standardOutput: CInt, standardError: CInt) {
        self.processID = processID
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    deinit {
        SystemFile.close(standardOutput)
        SystemFile.close(standardError)
    }

    /// Starts `executable` (a path) with `arguments`, in this process's environment.
    static func spawn(executable: String, arguments: [String]) throws -> SpawnedProcess {
        var output: [CInt] = [-1, -1]
        var errors: [CInt] = [-1, -1]
        guard makePipe(&output) else { throw spawnError(executable, "pipe", errno) }
        guard makePipe(&errors) else {
            let code = errno
            output.forEach(SystemFile.close)
            throw spawnError(executable, "pipe", code)
        }
        defer {
            // The child has its own copies of the write ends; closing ours lets reads see the end.
            SystemFile.close(output[1])
            SystemFile.close(errors[1])
        }

        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, errors[1], STDERR_FILENO)

        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in resetSignals { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else {
            SystemFile.close(output[0])
            SystemFile.close(errors[0])
            throw spawnError(executable, "posix_spawn", result)
        }
        return SpawnedProcess(processID: pid, standardOutput: output[0], standardError: errors[0])
    }

    /// Sends `signal` unless the child has already been waited for (its pid may belong to another
    /// process by then).
    func send(_ signal: Int32) {
        if termination == nil { _ = kill(processID, signal) }
    }

    /// Waits for the child to exit, at most `timeout` (forever when `nil`); `nil` if it is still running.
    func wait(timeout: Duration? = nil) -> Termination? {
        if let termination { return termination }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            var status: Int32 = 0
            let result = waitpid(processID, &status, WNOHANG)
            if result == processID {
                let signal = status & 0x7f
                let termination = signal == 0
                    ? Termination(status: (status >> 8) & 0xff, wasSignalled: false)
                    : Termination(status: signal, wasSignalled: true)
                ended.withLock { $0 = termination }
                return termination
            }
            if result < 0, errno != EINTR {
                // Reaped elsewhere (ECHILD): it has ended, with an unknown status.
                let termination = Termination(status: -1, wasSignalled: false)
                ended.withLock { $0 = termination }
                return termination
            }
            if let deadline, ContinuousClock.now >= deadline { return nil }
            let (seconds, attoseconds) = Self.waitPollInterval.components
            usleep(useconds_t(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
        }
    }

    /// A one-way channel whose both ends are close-on-exec from the start (no window in which another
    /// thread's child could inherit them): a socket pair on Linux, where `pipe2` is not exported to
    /// Swift; a pipe elsewhere.
    private static func makePipe(_ fds: inout [CInt]) -> Bool {
        #if canImport(Darwin)
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
        #else
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else { return false }
        _ = shutdown(fds[0], Int32(SHUT_WR))
        _ = shutdown(fds[1], Int32(SHUT_RD))
        return true
        #endif
    }

    private static func spawnError(_ executable: String, _ call: String, _ code: Int32) -> TailError {
        TailError.sshUnavailable(path: executable, reason: "\(call) failed: \(SystemFile.describe(errno: code))")
    }
}
