#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RequestTracing

/// Starts `trace-receiver serve` in the background when nothing answers at the receiver URL, for
/// `trace-receiver run`. The daemon outlives the wrapped program (it is in its own session) and keeps
/// serving queries afterwards; its output goes to `<store>/daemon.log`.
enum DaemonLauncher {
    /// glibc's `POSIX_SPAWN_SETSID` (2.26+), which Swift does not import because glibc defines it only
    /// under `__USE_GNU`.
    static let spawnNewSession: Int32 = 0x80

    /// How long to wait for a started daemon's `/health`.
    static let startupTimeout = Duration.seconds(20)

    /// Whether a receiver answers `/health` at `baseURL`: healthy (200), or degraded (503 with
    /// `"status":"degraded"`, say on a full disk), which is still a receiver to send to, not a port to
    /// start another one on.
    static func isAnswering(_ baseURL: String) async -> Bool {
        guard let response = try? await ReceiverClient.http.execute(HTTPClientRequest(url: baseURL + "/health"), timeout: .seconds(2)) else {
            return false
        }
        if response.status == .ok { return true }
        guard response.status == .serviceUnavailable, let body = try? await response.body.collect(upTo: 64 * 1024) else { return false }
        let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return object?["status"] as? String == "degraded"
    }

    /// Makes sure a receiver answers at `baseURL`, starting one when it is on this machine and nothing
    /// answers. Returns a sentence to print when it started one, `nil` when one was already there.
    static func ensureRunning(_ baseURL: String, store: String) async throws -> String? {
        if await isAnswering(baseURL) { return nil }
        guard let components = URLComponents(string: baseURL), let host = components.host,
            ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
        else {
            throw ClientError("no receiver answers at \(baseURL), and it is not on this machine, so `run` cannot start one")
        }
        let port = components.port ?? 7890
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        let logPath = store + "/daemon.log"
        let pid = try spawnDetached(
            [try ownExecutable(), "serve", "--host", host == "localhost" ? "127.0.0.1" : host, "--port", "\(port)", "--store", store],
            log: logPath
        )
        let deadline = ContinuousClock.now + startupTimeout
        while ContinuousClock.now < deadline {
            if await isAnswering(baseURL) {
                return "started a trace receiver on \(baseURL) (pid \(pid), store \(store), log \(logPath)); it keeps running after this program exits"
            }
            // The daemon is our child until we exit: a daemon that failed to start is a zombie, which
            // `kill(pid, 0)` would still find, so ask whether it has ended.
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let said = lastLine(of: logPath).map { ": \($0)" } ?? ""
                throw ClientError("the trace receiver started for \(baseURL) exited\(said) (log: \(logPath))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClientError("started a trace receiver for \(baseURL) but it did not answer; see \(logPath)")
    }

    /// The last non-empty line of the file at `path` (at most its last 4 KiB are read).
    static func lastLine(of path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let end = try? handle.seekToEnd() else { return nil }
        try? handle.seek(toOffset: end > 4096 ? end - 4096 : 0)
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).last.map(String.init)
    }

    /// This executable's path.
    static func ownExecutable() throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Starts `arguments` in a new session (so the terminal's signals and our exit do not reach it) with
    /// stdin from /dev/null and stdout and stderr appended to `log`.
    static func spawnDetached(_ arguments: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO)
        // Nothing else may reach the daemon: one holding, say, the write end of a pipe our caller reads would
        // keep that reader waiting for end of file long after `run` exits. (glibc's
        // `posix_spawn_file_actions_addclosefrom_np` is not imported into Swift, so mark ours close-on-exec.)
        markInheritedDescriptorsCloseOnExec()
        let attributes = SpawnAttributes(flags: Self.spawnNewSession)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes.attributes, argv, environ)
        guard result == 0 else { throw ClientError("cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Sets `FD_CLOEXEC` on every open descriptor above standard error (listed in `/proc/self/fd`).
    static func markInheritedDescriptorsCloseOnExec() {
        // The listing's own descriptor is closed by the time it returns; fcntl on it fails harmlessly.
        for name in DirectoryListing.names(in: "/proc/self/fd") ?? [] {
            guard let descriptor = Int32(name), descriptor > STDERR_FILENO else { continue }
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }
}
