#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Dispatch
import RequestTracing
import Synchronization

/// A program started by `trace-receiver run`: its stdout and stderr are pipes we read, its stdin and
/// process group are ours (so it can read the terminal, and a terminal's Ctrl-C reaches it directly).
struct ChildProcess: Sendable {
    let pid: pid_t
    /// Read ends of the child's stdout and stderr pipes.
    let output: Int32
    let errorOutput: Int32

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
        /// The `errno` that made starting the program fail.
        var code: Int32 = 0

        /// The status a shell reports for this failure: 127 when the program was not found, 126 when
        /// it was found but could not be executed (not executable, a directory, a bad binary).
        var exitStatus: Int32 { code == ENOENT || code == ENOTDIR ? 127 : 126 }
    }

    /// Starts `arguments[0]` (looked up on `PATH`) with `environment`.
    static func spawn(_ arguments: [String], environment: [String: String]) throws(SpawnError) -> ChildProcess {
        var outputPipe: [Int32] = [0, 0]
        var errorPipe: [Int32] = [0, 0]
        // `pipe` + `FD_CLOEXEC` (Swift does not import glibc's `pipe2`): only the dup2'd copies reach the child.
        guard pipe(&outputPipe) == 0, pipe(&errorPipe) == 0 else {
            throw SpawnError(description: "cannot create pipes: \(String(cString: strerror(errno)))", code: errno)
        }
        for descriptor in outputPipe + errorPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], STDERR_FILENO)

        let attributes = SpawnAttributes()
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes.attributes, argv, envp)
        close(outputPipe[1])
        close(errorPipe[1])
        guard result == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            throw SpawnError(description: "cannot run \(arguments[0]): \(String(cString: strerror(result)))", code: result)
        }
        return ChildProcess(pid: pid, output: outputPipe[0], errorOutput: errorPipe[0])
    }

    /// Waits (on a thread of its own, see ``BlockingThread``) for the child to exit and returns the exit
    /// status a shell would report: its exit code, or 128 + the signal that killed it.
    func waitForExit() async -> Int32 {
        await BlockingThread.run { [pid] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let signal = status & 0x7f
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal
        }
    }

    /// Reads `descriptor` to end of file on a thread of its own, handing each chunk to `body`.
    static func readToEnd(_ descriptor: Int32, _ body: @escaping @Sendable ([UInt8]) -> Void) async {
        await BlockingThread.run {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                body(Array(buffer[0..<count]))
            }
            close(descriptor)
        }
    }

    /// Writes all of `bytes` to `descriptor` (our own stdout or stderr). If our terminal or pipe is gone,
    /// the bytes are dropped and capturing goes on.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        FileDescriptorWriter.writeAll(bytes, to: descriptor)
    }
}

/// The child signals are forwarded to (0 until it is started). Atomics are lock-free, so the handler may
/// read them; both are touched by ``SignalForwarding/install()`` before any handler runs, so their lazy
/// initialisation never happens inside one.
private let signalTarget = Atomic<Int32>(0)
/// Signals (one bit each) that arrived before the child was started, forwarded once it is.
private let pendingSignals = Atomic<UInt64>(0)

/// Forwards a signal sent to `trace-receiver run` to its child — except one the kernel sent itself
/// (`SI_KERNEL`: a terminal's Ctrl-C, Ctrl-\ or hang-up, which went to the whole foreground process
/// group and so reached the child already; forwarding it would deliver it twice). One that arrives before
/// the child is started is remembered and sent when it is. Async-signal-safe: atomics and `kill` only.
private func forwardSignal(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    if let info, info.pointee.si_code == SI_KERNEL { return }
    let target = signalTarget.load(ordering: .acquiring)
    if target > 0 {
        kill(target, signal)
        return
    }
    pendingSignals.bitwiseOr(UInt64(1) << UInt64(signal), ordering: .acquiringAndReleasing)
    // The child may have been started meanwhile, after its starter looked for pending signals.
    let started = signalTarget.load(ordering: .acquiring)
    if started > 0 { forwardPendingSignals(to: started) }
}

/// Sends every remembered signal to `target`, each once.
private func forwardPendingSignals(to target: Int32) {
    takePendingSignals { kill(target, $0) }
}

/// Takes the remembered signals and calls `body` for each, once: whoever takes the bits acts on them.
/// Async-signal-safe: an atomic exchange and a non-escaping closure (nothing allocated).
private func takePendingSignals(_ body: (Int32) -> Void) {
    let pending = pendingSignals.exchange(0, ordering: .acquiringAndReleasing)
    for signal in SignalForwarding.forwarded where pending & (UInt64(1) << UInt64(signal)) != 0 { body(signal) }
}

enum SignalForwarding {
    /// Signals passed on to the child.
    static let forwarded: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]

    /// Installs handlers that forward ``forwarded`` signals to the child instead of acting on them here.
    /// Call it before starting the child, so that no signal sent meanwhile takes its default action and
    /// leaves the child running without us; then ``forward(to:)``.
    static func install() {
        signalTarget.store(0, ordering: .releasing)
        _ = pendingSignals.exchange(0, ordering: .acquiringAndReleasing)
        for signal in forwarded {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = forwardSignal
            action.sa_flags = SA_SIGINFO | SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }

    /// Names the started child as the target, and sends it the signals that arrived before it started.
    static func forward(to pid: pid_t) {
        signalTarget.store(pid, ordering: .releasing)
        forwardPendingSignals(to: pid)
    }

    /// Gives ``forwarded`` signals their default actions again (the child is gone, or never started: a
    /// Ctrl-C now stops this process), and acts on any that arrived before a child was started.
    static func restoreDefaults() {
        for number in forwarded { _ = signal(number, SIG_DFL) }
        takePendingSignals { raise($0) }
    }
}
