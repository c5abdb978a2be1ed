import Foundation
import Logging
import RequestTracing
import RequestTracingShipper
import TestSupport
import Testing

@testable import TraceReceiver

@Suite("LogShipper: nothing lost when the receiver dies or starts late")
struct ShipperFaultTests {
    @Test func twentyThousandRecordsSurviveTwoReceiverKillsExactlyOnce() async throws {
        let port = try unusedLoopbackPort()
        try await withTemporaryDirectory { directory in
            var receiver = try await ReceiverProcess.start(port: port, store: directory + "/store")
            let diagnostics = DiagnosticsLog()
            let shipper = try LogShipper(configuration: testShipperConfiguration(port: port, service: "faulty", spool: directory + "/spool", diagnostics: diagnostics))
            let logger = shippingLogger(service: "faulty", sink: shipper)
            let total = 20_000
            var kills = 0
            try await withRunningShipper(shipper) {
                for index in 0..<total {
                    logger.info("fault \(index)")
                    if index % 100 == 99 { try await Task.sleep(for: .milliseconds(4)) }
                    if index == 6_000 || index == 13_000 {
                        // Wait until the receiver has stored part of the stream, so the kill lands mid-stream.
                        let before = shipper.statistics.acknowledgedRecords
                        _ = await eventually(within: 10) { shipper.statistics.acknowledgedRecords > before }
                        receiver.kill()
                        kills += 1
                        for extra in 0..<100 { logger.info("fault \(index) while down \(extra)") }
                        try await Task.sleep(for: .milliseconds(300))
                        receiver = try await ReceiverProcess.start(port: port, store: directory + "/store")
                    }
                }
                #expect(await shipper.flush(timeout: .seconds(90)), "\(shipper.statistics)")
            }
            #expect(kills == 2)
            let messages = try await receiver.messages("service=faulty")
            #expect(messages.count == total + 200, "exactly every record, none twice")
            #expect(Set(messages).count == messages.count)
            let statistics = shipper.statistics
            #expect(statistics.droppedFromQueue == 0 && statistics.droppedFromSpool == 0)
            #expect(diagnostics.all.filter { $0.contains("cannot reach") }.count <= 2, "one warning per outage: \(diagnostics.all)")
        }
    }

    /// The service itself is killed (SIGKILL) while it writes its spool, with nothing sent yet: the batches
    /// the spool holds are whole, and the next run ships each of them once, none torn, none twice.
    @Test func aServiceKilledWhileSpoolingLeavesWholeBatchesTheNextRunShipsExactlyOnce() async throws {
        let closedPort = try unusedLoopbackPort()
        try await withTemporaryDirectory { directory in
            let spoolRoot = directory + "/spool"
            let folder = spoolRoot + "/run-killed"
            let executable = try builtExecutable("trace-receiver").path
            // `trace-receiver run` ships what it captures through a LogShipper; `seq` gives it lines as fast
            // as it takes them, so it is writing batches when it is killed.
            let capture = try SpawnedProgram(
                executable,
                ["run", "--receiver", "http://127.0.0.1:\(closedPort)", "--no-daemon", "--service", "killed", "--", "seq", "1", "5000000"],
                environment: ["TRACE_RECEIVER_SPOOL_DIR": spoolRoot], standardOutput: .null, standardError: .null
            )
            let spooling = await eventually(within: 60) { spooledRecords(folder) >= 20_000 }
            capture.send(SIGKILL)
            _ = await capture.finish()
            try #require(spooling, "the capture spooled lines")
            let records = spooledRecords(folder)

            try await withReceiver { receiver in
                let replay = try SpawnedProgram(
                    executable,
                    ["run", "--receiver", receiver.baseURL, "--no-daemon", "--exit-flush-timeout", "120", "--service", "killed", "--", "true"],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": spoolRoot], standardOutput: .null, standardError: .null
                )
                let (status, _, _) = await replay.finish()
                #expect(status == 0)
                let stored = try await receiver.store.search(LogQuery(service: "killed", limit: records + 100)).records
                #expect(stored.count == records, "every spooled record once")
                // `seq` printed 1, 2, 3…: the spool held a prefix of them, whole lines, in order.
                let numbers = stored.compactMap { Int($0.message) }
                #expect(numbers.count == stored.count, "no torn line")
                #expect(Set(numbers) == Set(1...max(1, records)))
                #expect(spooledRecords(folder) == 0)
            }
        }
    }

    /// A server that reads each WebSocket upgrade request and closes the connection without answering, as
    /// a receiver killed at that moment does; it counts the requests in a file.
    static let closesMidHandshake = #"""
        import socket, sys
        srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", 0)); srv.listen(16)
        open(sys.argv[1] + ".port", "w").write(str(srv.getsockname()[1]))
        count = 0
        while True:
            c, _ = srv.accept()
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = c.recv(4096)
                if not chunk: break
                data += chunk
            c.close()
            count += 1
            open(sys.argv[1], "w").write(str(count))
        """#

    @Test func aConnectionClosedMidHandshakeIsGivenUpAndRetried() async throws {
        try await withTemporaryDirectory { directory in
            let counter = directory + "/handshakes"
            let server = try SpawnedProgram("/usr/bin/env", ["python3", "-c", Self.closesMidHandshake, counter])
            defer { server.send(SIGKILL) }
            var port = 0
            _ = await eventually(within: 10) {
                port = Int((try? String(contentsOfFile: counter + ".port", encoding: .utf8)) ?? "") ?? 0
                return port > 0
            }
            try #require(port > 0, "the server did not start")
            let diagnostics = DiagnosticsLog()
            var configuration = testShipperConfiguration(port: port, service: "stuck", spool: directory + "/spool", diagnostics: diagnostics)
            configuration.handshakeTimeout = .milliseconds(500)
            let shipper = try LogShipper(configuration: configuration)
            try await withRunningShipper(shipper) {
                shippingLogger(service: "stuck", sink: shipper).info("waiting for a receiver")
                let retried = await eventually(within: 20) {
                    (Int((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "") ?? 0) >= 3
                }
                #expect(retried, "each attempt is given up at the deadline and another made, not waited on forever")
            }
            #expect(diagnostics.all.contains { $0.contains("took longer than") }, "\(diagnostics.all)")
        }
    }

    @Test func aReceiverStartingTenSecondsAfterTheServiceLosesNothing() async throws {
        let port = try unusedLoopbackPort()
        try await withTemporaryDirectory { directory in
            let shipper = try LogShipper(configuration: testShipperConfiguration(port: port, service: "punctual", spool: directory + "/spool", diagnostics: DiagnosticsLog()))
            let logger = shippingLogger(service: "punctual", sink: shipper)
            try await withRunningShipper(shipper) {
                let start = ContinuousClock.now
                var index = 0
                while ContinuousClock.now - start < .seconds(10) {
                    logger.info("early \(index)")
                    index += 1
                    try await Task.sleep(for: .milliseconds(10))
                }
                let receiver = try await ReceiverProcess.start(port: port, store: directory + "/store")
                for _ in 0..<100 {
                    logger.info("early \(index)")
                    index += 1
                }
                #expect(await shipper.flush(timeout: .seconds(30)))
                let messages = try await receiver.messages("service=punctual")
                #expect(messages.count == index)
                #expect(Set(messages) == Set((0..<index).map { "early \($0)" }))
            }
        }
    }
}
