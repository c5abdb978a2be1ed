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
