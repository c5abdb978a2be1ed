#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Follows a file on another host by running the system `ssh` client with `tail -F` on the remote side.
///
/// Running the real `ssh` means the user's `~/.ssh/config`, agent, keys and known hosts all apply, and
/// host keys are always verified: the tailer passes `BatchMode=yes` (no prompts) and refuses options
/// that turn host key checking off. A host whose key is unknown or changed fails at once with
/// ``TailError/sshHostKeyVerificationFailed(destination:diagnostics:)``; a refused login with
/// ``TailError/sshAuthenticationFailed(destination:diagnostics:)``.
///
/// When the `ssh` process ends for any other reason (network loss, server restart, killed), the tailer
/// starts it again after an exponential, jittered delay (``Configuration/backoff``) and resumes just
/// after the last complete line it yielded, so no line is repeated or skipped. It tracks the byte offset
/// in the remote file and restarts with `tail -c +OFFSET -F`; the remote command first measures the
/// file and starts at 0 instead when the file is now shorter than that offset (it was rotated or
/// truncated while disconnected). Lines written on stderr by ssh or the remote `tail` are reported once
/// each as ``SSHTailerEvent/diagnostic(_:)``.
///
/// Limitations under rotation on the remote host: while connected, `tail -F` follows the new file, but
/// the offset the tailer tracks keeps counting from the old one. After a reconnection that offset is
/// only right if no rotation happened during the connection; otherwise lines of the new file may be
/// skipped (when it has grown past the counted offset) or repeated. The remote login shell must accept
/// POSIX single quotes, and the remote host needs `sh`, `wc`, `tr` and a `tail` with `-F` and `-c +N`
/// (GNU coreutils, BusyBox and the BSDs have them).
///
/// ```swift
/// var configuration = SSHTailer.Configuration()
/// configuration.extraOptions = ["-p", "2222"]
/// configuration.onEvent = { event in print(event) }
/// let tailer = try SSHTailer(parsing: "deploy@api-1:/var/log/app.log", configuration: configuration)
/// for try await line in tailer.lines() { print(line.text) }
/// ```
///
/// The `ssh` process's pipes are read on a thread of the tailer's own (blocking reads), never in the
/// cooperative pool or on an event loop.
public struct SSHTailer: Sendable {
    /// The remote file.
    public let target: SSHTailTarget
    /// The settings.
    public let configuration: Configuration

    /// Creates a tailer for `target`.
    public init(target: SSHTailTarget, configuration: Configuration = Configuration()) {
        self.target = target
        self.configuration = configuration
    }

    /// Creates a tailer for `[USER@]HOST:PATH`.
    public init(parsing target: String, configuration: Configuration = Configuration()) throws {
        self.init(target: try SSHTailTarget(parsing: target), configuration: configuration)
    }

    /// The lines of the remote file, from ``Configuration/startPosition`` on, across reconnections.
    /// See ``TailLineSequence``.
    public func lines() -> TailLineSequence {
        let tailer = self
        return TailLineSequence(
            bufferCapacity: configuration.bufferedLineLimit,
            threadName: "trace-receiver.tail ssh \(target.destination)"
        ) { channel in
            do {
                try tailer.configuration.validate()
                let executable = try Self.resolveExecutable(tailer.configuration.sshExecutable)
                try SSHFollower(tailer: tailer, executable: executable, channel: channel).run()
                channel.finish()
            } catch {
                channel.finish(throwing: error)
            }
        }
    }

    /// The arguments for one `ssh` run that starts at `requestedOffset` (`nil`: the end of the file).
    func arguments(requestedOffset: UInt64?) -> [String] {
        // BatchMode first: for each option ssh keeps the first value it sees, so nothing can turn
        // prompting back on. The keep-alive settings come after the caller's options, which may change them.
        ["-T", "-o", "BatchMode=yes"] + configuration.extraOptions
            + [
                "-o", "ServerAliveInterval=\(configuration.serverAliveInterval)",
                "-o", "ServerAliveCountMax=\(configuration.serverAliveCountMax)",
                "-o", "ConnectTimeout=\(configuration.connectTimeout)",
                target.destination, "--",
                RemoteShell.tailCommand(path: target.path, requestedOffset: requestedOffset),
            ]
    }

    /// The path of the ssh client: `name` itself when it contains a `/`, else the first match on `PATH`,
    /// else `/usr/bin/ssh`.
    static func resolveExecutable(_ name: String) throws -> String {
        if name.contains("/") {
            guard access(name, X_OK) == 0 else {
                throw TailError.sshUnavailable(path: name, reason: "not an executable file")
            }
            return name
        }
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        if access(Self.fallbackSSHPath, X_OK) == 0 { return Self.fallbackSSHPath }
        throw TailError.sshUnavailable(path: name, reason: "not found on PATH nor at \(Self.fallbackSSHPath); install an OpenSSH client")
    }

    /// Where the ssh client is looked for when it is not on `PATH`.
    static let fallbackSSHPath = "/usr/bin/ssh"
}
