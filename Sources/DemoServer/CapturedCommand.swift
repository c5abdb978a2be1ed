import Foundation
import RequestTracing

#if canImport(Glibc)
import Glibc
#endif

/// Runs a program with `posix_spawn` and returns what it wrote to standard output, blocking the calling
/// thread (callers run it on a ``BlockingThread``). Not Foundation's `Process`: on Linux, `Process.run()`
/// now and then crashes a process with many descriptors open (it over-reads `/proc/self/fd` entries,
/// swiftlang/swift-corelibs-foundation#5472); the test suite hit it once through the demo's `/api/child`.
enum CapturedCommand {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `executable` with no arguments and exactly `environment`; standard input and error are
    /// `/dev/null`, and no other descriptor of ours is inherited.
    static func output(of executable: String, environment: [String: String]) throws -> String {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], STDOUT_FILENO)
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
        // Read in place, not with FileManager, whose readdir over-read is the crash above.
        for name in DirectoryListing.names(in: "/proc/self/fd") ?? [] {
            if let descriptor = Int32(name), descriptor > STDERR_FILENO, descriptor != ends[1] {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }
        let argv = [strdup(executable), nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(ends[1])
        defer { close(ends[0]) }
        guard spawned == 0 else { throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(ends[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return String(decoding: output, as: UTF8.self)
    }
}
