import Foundation
import RequestTracing
import Synchronization
import TestSupport
import Testing

@testable import TraceReceiver

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The local sshd could not be set up.
struct SSHTestSetupError: Error, CustomStringConvertible {
    var description: String
}

/// A real `sshd` on 127.0.0.1 with its own keys, config and known_hosts in a temporary directory.
struct LocalSSHServer: Sendable {
    static let sshdPath = "/usr/sbin/sshd"
    static let keygenPath = "/usr/bin/ssh-keygen"
    /// How long sshd gets to start listening.
    static let startTimeout = Duration.seconds(5)

    let directory: String
    let port: UInt16
    /// The client config to pass with `-F`: port, identity, known_hosts, strict host key checking.
    let clientConfig: String
    /// Started with posix_spawn, not Foundation's `Process`: sshd closes every descriptor it inherits,
    /// including the socket through which `Process` learns that a child ended, and `Process` then waits
    /// for sshd on the one thread that serves every other `Process` in the test run.
    let process: SpawnedProcess

    /// Starts sshd in `directory`. With `trustHostKey: false` the client's known_hosts is empty, so the
    /// client must refuse to connect.
    static func start(in directory: String, trustHostKey: Bool = true) throws -> LocalSSHServer {
        guard FileManager.default.isExecutableFile(atPath: sshdPath) else {
            throw SSHTestSetupError(
                description: "\(sshdPath) is missing: install openssh-server (apt-get install -y openssh-server) to run the SSH tail tests")
        }
        // sshd's privilege separation directory.
        if !FileManager.default.fileExists(atPath: "/run/sshd") {
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        try run(keygenPath, ["-q", "-t", "ed25519", "-N", "", "-C", "test-host", "-f", directory + "/host_key"])
        try run(keygenPath, ["-q", "-t", "ed25519", "-N", "", "-C", "test-client", "-f", directory + "/client_key"])
        try FileManager.default.copyItem(atPath: directory + "/client_key.pub", toPath: directory + "/authorized_keys")
        let port = UInt16(try unusedLoopbackPort())
        let user = String(cString: getpwuid(getuid()).pointee.pw_name)

        try """
            ListenAddress 127.0.0.1
            Port \(port)
            HostKey \(directory)/host_key
            PidFile \(directory)/sshd.pid
            AuthorizedKeysFile \(directory)/authorized_keys
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin prohibit-password
            LogLevel ERROR

            """.write(toFile: directory + "/sshd_config", atomically: true, encoding: .utf8)

        let hostKey = try String(contentsOfFile: directory + "/host_key.pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        try (trustHostKey ? "[127.0.0.1]:\(port) \(hostKey)\n" : "")
            .write(toFile: directory + "/known_hosts", atomically: true, encoding: .utf8)

        try """
            Host 127.0.0.1
              Port \(port)
              User \(user)
              IdentityFile \(directory)/client_key
              IdentitiesOnly yes
              UserKnownHostsFile \(directory)/known_hosts
              GlobalKnownHostsFile \(directory)/known_hosts
              StrictHostKeyChecking yes
              UpdateHostKeys no

            """.write(toFile: directory + "/ssh_config", atomically: true, encoding: .utf8)

        // -E: sshd's log goes to a file, so nothing needs to drain its output pipes.
        let process = try SpawnedProcess.spawn(
            executable: sshdPath, arguments: ["-D", "-E", directory + "/sshd.log", "-f", directory + "/sshd_config"]
        )
        let server = LocalSSHServer(directory: directory, port: port, clientConfig: directory + "/ssh_config", process: process)

        let deadline = ContinuousClock.now + startTimeout
        while !canConnect(port: port) {
            if process.wait(timeout: .zero) != nil || ContinuousClock.now >= deadline {
                server.stop()
                let output = (try? String(contentsOfFile: directory + "/sshd.log", encoding: .utf8)) ?? ""
                throw SSHTestSetupError(description: "sshd did not start listening on 127.0.0.1:\(port): \(output)")
            }
            usleep(20_000)
        }
        return server
    }

    /// ``stop()`` on a thread of its own.
    func stopOffPool() async {
        await BlockingThread.run { self.stop() }
    }

    /// Stops sshd (its sessions end when their clients go).
    func stop() {
        process.send(SIGTERM)
        if process.wait(timeout: .seconds(5)) == nil {
            process.send(SIGKILL)
            _ = process.wait()
        }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = try SpawnedProcess.spawn(executable: executable, arguments: arguments)
        let ended = process.wait()
        guard let ended, ended.status == 0, !ended.wasSignalled else {
            throw SSHTestSetupError(description: "\(executable) \(arguments) ended with \(ended.map { "\($0)" } ?? "no status")")
        }
    }

    private static func canConnect(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopbackAddress(port: Int(port))
        return withSocketAddress(&address) { connect(fd, $0, $1) } == 0
    }
}

/// Runs `body` with a local sshd, stopping it afterwards whatever happens.
func withLocalSSHServer<T>(
    in directory: String, trustHostKey: Bool = true, _ body: (LocalSSHServer) async throws -> T
) async throws -> T {
    // Starting (key generation, waiting for the port) and stopping block: on threads of their own, not
    // the cooperative pool that the in-process receivers of other tests need.
    let server = try await BlockingThread.run { Result { try LocalSSHServer.start(in: directory, trustHostKey: trustHostKey) } }.get()
    do {
        let result = try await body(server)
        await server.stopOffPool()
        return result
    } catch {
        await server.stopOffPool()
        throw error
    }
}

/// Records an ``SSHTailer``'s events.
final class SSHEventRecorder: Sendable {
    private let events = Mutex<[SSHTailerEvent]>([])

    var all: [SSHTailerEvent] { events.withLock { $0 } }

    @Sendable func record(_ event: SSHTailerEvent) {
        events.withLock { $0.append(event) }
    }

    var connectedProcessIDs: [Int32] {
        all.compactMap { if case .connected(let pid, _) = $0 { pid } else { nil } }
    }

    var startedCount: Int {
        all.filter { if case .started = $0 { true } else { false } }.count
    }

    var diagnostics: [String] {
        all.compactMap { if case .diagnostic(let text) = $0 { text } else { nil } }
    }
}
