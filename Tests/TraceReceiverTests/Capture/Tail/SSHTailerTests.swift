import Foundation
import RequestTracing
import Testing

@testable import TraceReceiver

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Short reconnection delays so tests do not wait on the defaults.
private let fastBackoff = ReconnectBackoff(initialDelay: .milliseconds(100), maximumDelay: .milliseconds(500))

@Suite("SSHTailer: a real sshd on loopback", .serialized)
struct SSHTailerTests {
    @Test func followsARemoteFileAndResumesWithoutDuplicatesAfterSSHIsKilled() async throws {
        try await withTemporaryDirectory { dir in
            try await withLocalSSHServer(in: dir) { server in
                let log = dir + "/remote app.log"  // a space, to exercise the remote quoting
                try append("first 1\nfirst 2\n", to: log)
                let events = SSHEventRecorder()
                let configuration = SSHTailer.Configuration(
                    startPosition: .beginning, extraOptions: ["-F", server.clientConfig], backoff: fastBackoff,
                    onEvent: events.record
                )
                let tailer = try SSHTailer(parsing: "127.0.0.1:\(log)", configuration: configuration)
                try await withCollector(tailer.lines()) { collector in
                    try await collector.waitFor(count: 2)
                    try append("second 1\nsecond 2\nsecond 3\n", to: log)
                    try await collector.waitFor(count: 5)

                    let pid = try #require(events.connectedProcessIDs.last)
                    #expect(kill(pid, SIGKILL) == 0)
                    // Appended while the client is dead or reconnecting.
                    try append("third 1\nthird 2\nthird 3\nthird 4\n", to: log)
                    try await collector.waitFor(count: 9, timeout: .seconds(20))
                    #expect(events.connectedProcessIDs.count >= 2, "reconnected with a new ssh process")
                    try append("fourth\n", to: log)
                    let lines = try await collector.waitFor(count: 10)
                    try await Task.sleep(for: .milliseconds(300))

                    let expected = ["first 1", "first 2", "second 1", "second 2", "second 3", "third 1", "third 2", "third 3", "third 4", "fourth"]
                    #expect(collector.texts == expected, "no line lost or repeated across the reconnection")
                    let size = try #require(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
                    #expect(lines.last?.offset == UInt64(size))
                    #expect(events.all.contains { if case .disconnected(9, true, _) = $0 { true } else { false } })
                }
            }
        }
    }

    @Test func refusesAHostWhoseKeyIsNotInKnownHosts() async throws {
        try await withTemporaryDirectory { dir in
            try await withLocalSSHServer(in: dir, trustHostKey: false) { server in
                let log = dir + "/app.log"
                try append("secret\n", to: log)
                let events = SSHEventRecorder()
                let configuration = SSHTailer.Configuration(
                    startPosition: .beginning, extraOptions: ["-F", server.clientConfig], backoff: fastBackoff,
                    onEvent: events.record
                )
                let tailer = try SSHTailer(parsing: "127.0.0.1:\(log)", configuration: configuration)
                try await withCollector(tailer.lines()) { collector in
                    let error = try await collector.waitForFailure()
                    let tailError = try #require(error as? TailError)
                    #expect(tailError.code == "ssh_host_key_verification_failed")
                    #expect("\(tailError)".contains("host key verification failed for 127.0.0.1"))
                    #expect(collector.lines.isEmpty, "nothing was read from an unverified host")
                    #expect(events.startedCount == 1, "no retry against an unknown host key")
                    #expect(events.diagnostics.contains { $0.contains("Host key verification failed") })
                }
            }
        }
    }

    @Test func reportsEachDiagnosticOnceAcrossRetriesAndGivesUpAtTheLimit() async throws {
        try await withTemporaryDirectory { dir in
            // A port nobody listens on: every attempt is refused.
            try await withLocalSSHServer(in: dir) { server in
                await server.stopOffPool()
                let events = SSHEventRecorder()
                var configuration = SSHTailer.Configuration(
                    extraOptions: ["-F", server.clientConfig], backoff: ReconnectBackoff(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(50)),
                    onEvent: events.record
                )
                configuration.maximumConsecutiveFailures = 3
                let tailer = try SSHTailer(parsing: "127.0.0.1:/var/log/none.log", configuration: configuration)
                try await withCollector(tailer.lines()) { collector in
                    let error = try await collector.waitForFailure()
                    #expect((error as? TailError)?.code == "ssh_gave_up")
                    #expect(events.startedCount == 3)
                    let refused = events.diagnostics.filter { $0.contains("Connection refused") }
                    #expect(refused.count == 1, "reported once, not per retry: \(events.diagnostics)")
                }
            }
        }
    }
}
