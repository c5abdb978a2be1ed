import Foundation
import Logging
import RequestTracing
@testable import RequestTracingShipper
import ServiceLifecycle
import TestSupport
import Testing

@testable import TraceReceiver

@Suite("LogShipper: streaming to the receiver")
struct LogShipperTests {
    @Test func shipsEveryLoggedRecordOnceWithInstanceAndSequence() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { spool in
                let shipper = try LogShipper(configuration: testShipperConfiguration(port: receiver.port, service: "shipped", spool: spool))
                let logger = shippingLogger(service: "shipped", sink: shipper)
                try await withRunningShipper(shipper) {
                    for index in 0..<2_500 { logger.info("record \(index)", metadata: ["index": "\(index)"]) }
                    #expect(await shipper.flush(timeout: .seconds(20)))
                }
                let stored = try await receiver.store.search(LogQuery(service: "shipped", limit: 10_000)).records
                #expect(stored.count == 2_500)
                #expect(Set(stored.map(\.message)).count == 2_500)
                #expect(stored.allSatisfy { $0.instance == shipper.instance && $0.source == .backend })
                #expect(Set(stored.compactMap(\.sequence)) == Set(1...2_500))
                let statistics = shipper.statistics
                #expect(statistics.acknowledgedRecords == 2_500)
                #expect(statistics.spooledBatches == 0 && statistics.queuedRecords == 0)
                #expect(spooledBatches(spool).isEmpty, "acknowledged batches are done in the spool")
            }
        }
    }

    @Test func spoolsWhileTheReceiverIsDownWarnsOnceAndDeliversWhenItStarts() async throws {
        let port = try unusedLoopbackPort()
        let diagnostics = DiagnosticsLog()
        try await withTemporaryDirectory { spool in
            let shipper = try LogShipper(configuration: testShipperConfiguration(port: port, service: "early", spool: spool, diagnostics: diagnostics))
            let logger = shippingLogger(service: "early", sink: shipper)
            try await withRunningShipper(shipper) {
                for index in 0..<300 { logger.info("before the receiver \(index)") }
                #expect(await eventually(within: 20) { shipper.statistics.spooledRecords == 300 })
                // The first refused attempt can come late on a busy machine; then several more fail.
                #expect(await eventually(within: 20) { !diagnostics.all.isEmpty })
                try await Task.sleep(for: .milliseconds(500))
                #expect(diagnostics.all.count == 1, "warned once, not per attempt: \(diagnostics.all)")
                #expect(diagnostics.all.first?.contains("cannot reach the trace receiver") == true)
                try await withReceiver(configure: { $0.port = port }) { receiver in
                    for index in 0..<200 { logger.info("after the receiver \(index)") }
                    #expect(await shipper.flush(timeout: .seconds(20)))
                    let page = try await receiver.store.search(LogQuery(service: "early", limit: 10_000))
                    #expect(page.records.count == 500)
                }
            }
            #expect(diagnostics.all.count == 2 && diagnostics.all.last?.contains("connected") == true, "\(diagnostics.all)")
        }
    }

    @Test func aBatchOverTheReceiversMessageLimitIsKeptAndTheMismatchNamedOnce() async throws {
        try await withReceiver(configure: { $0.maximumBodyBytes = 64 * 1024 }) { receiver in
            let diagnostics = DiagnosticsLog()
            try await withTemporaryDirectory { spool in
                let shipper = try LogShipper(configuration: testShipperConfiguration(port: receiver.port, service: "bulky", spool: spool, diagnostics: diagnostics))
                let logger = shippingLogger(service: "bulky", sink: shipper)
                try await withRunningShipper(shipper) {
                    // About 300 KiB in one batch: the receiver closes the stream (1009) at each attempt.
                    for index in 0..<1_000 { logger.info("bulky \(index) \(String(repeating: "b", count: 200))") }
                    let said = await eventually(within: 20) { diagnostics.all.contains { $0.contains("larger than it accepts") } }
                    #expect(said, "\(diagnostics.all)")
                    try await Task.sleep(for: .seconds(1))  // several more attempts, backing off
                    let warnings = diagnostics.all.filter { $0.contains("larger than it accepts") }
                    #expect(warnings == [
                        "the trace receiver at ws://127.0.0.1:\(receiver.port)/api/stream closed the stream because a batch was larger than it accepts: "
                            + "its --max-body-size is below this shipper's batches (up to 1048576 bytes); raise it, or lower batchBytes. "
                            + "Keeping records in \(spool) and retrying",
                    ])
                    #expect(shipper.statistics.spooledRecords == 1_000, "kept, not dropped")
                }
                #expect(try await receiver.store.statistics().records == 0)
            }
        }
    }

    @Test func aRecordOverTheReceiversLimitIsSentCutSayingHowMuchWasLeftOut() async throws {
        try await withReceiver { receiver in
            let diagnostics = DiagnosticsLog()
            try await withTemporaryDirectory { spool in
                let shipper = try LogShipper(configuration: testShipperConfiguration(port: receiver.port, service: "dumpy", spool: spool, diagnostics: diagnostics))
                let logger = shippingLogger(service: "dumpy", sink: shipper)
                try await withRunningShipper(shipper) {
                    // A 100,000-byte message, its quotes escaped in JSON, and multi-byte text where it is cut.
                    logger.warning("payload \(String(repeating: "\"é", count: 50_000))", metadata: ["order": "4711"])
                    logger.info("small one")
                    #expect(await shipper.flush(timeout: .seconds(20)))
                }
                #expect(shipper.statistics.rejectedRecords == 0, "\(diagnostics.all)")
                let stored = try await receiver.store.search(LogQuery(service: "dumpy")).records
                #expect(Set(stored.map { String($0.message.prefix(9)) }) == ["payload \"", "small one"])
                let cut = try #require(stored.first { $0.message.hasPrefix("payload") })
                #expect(cut.level == .warning && cut.fields == #"{"order":"4711"}"#, "the rest of the record is kept")
                #expect(cut.message.range(of: #"\[… \d+ more bytes of this record not sent: it was over the receiver's limit\]$"#, options: .regularExpression) != nil, "\(cut.message.suffix(120))")
                #expect(cut.jsonLine.utf8.count <= LogShipper.Configuration.defaultMaximumRecordBytes)
                #expect(!cut.message.contains("\u{FFFD}"), "cut where a character begins")
            }
        }
    }

    @Test func recordsTheReceiverRefusesAreNamedOnceWithItsReasonAndCounted() async throws {
        try await withReceiver(configure: { $0.maximumRecordBytes = 1024 }) { receiver in
            let diagnostics = DiagnosticsLog()
            try await withTemporaryDirectory { spool in
                let shipper = try LogShipper(configuration: testShipperConfiguration(port: receiver.port, service: "wordy", spool: spool, diagnostics: diagnostics))
                let logger = shippingLogger(service: "wordy", sink: shipper)
                try await withRunningShipper(shipper) {
                    logger.info("short one")
                    logger.info("too long \(String(repeating: "w", count: 2_000))")
                    #expect(await shipper.flush(timeout: .seconds(20)))
                    for index in 0..<3 { logger.info("too long again \(index) \(String(repeating: "w", count: 2_000))") }
                    #expect(await shipper.flush(timeout: .seconds(20)))
                }
                #expect(shipper.statistics.rejectedRecords == 4)
                let warnings = diagnostics.all.filter { $0.contains("refused") }
                #expect(warnings.count == 1, "once, not per record or batch: \(diagnostics.all)")
                let warning = try #require(warnings.first)
                #expect(warning.hasPrefix("the trace receiver at ws://127.0.0.1:\(receiver.port)/api/stream refused 1 record as unreadable or too large"), "\(warning)")
                #expect(warning.contains("the limit is 1024"), "its reason: \(warning)")
                #expect(try await receiver.store.search(LogQuery(service: "wordy")).records.map(\.message) == ["short one"])
            }
        }
    }

    @Test func replaysTheSpoolLeftByAnEarlierRunExactlyOnce() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { spool in
                // A first run that cannot reach the receiver and is killed (cancelled) with batches spooled;
                // once it is gone its spool lock is released, as when a process crashes.
                let firstInstance = try await spoolARunThatEnds(service: "crashy", spool: spool, records: 120, prefix: "from the first run")
                #expect(!spooledBatches(spool).isEmpty)
                // The next run of the service finds the spool, ships it and its own records.
                let second = try LogShipper(configuration: testShipperConfiguration(port: receiver.port, service: "crashy", spool: spool))
                let secondLogger = shippingLogger(service: "crashy", sink: second)
                try await withRunningShipper(second) {
                    secondLogger.info("from the second run")
                    #expect(await second.flush(timeout: .seconds(20)))
                }
                let stored = try await receiver.store.search(LogQuery(service: "crashy", limit: 1_000)).records
                #expect(stored.count == 121)
                #expect(Set(stored.compactMap(\.instance)) == [firstInstance, second.instance])
                #expect(spooledBatches(spool).isEmpty)
            }
        }
    }

    @Test func batchesASecondProcessSpooledBeforeItDiedAreReplayedByTheNextRunWithItsOwn() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { spool in
                // An earlier run left batches of its own in the service's folder.
                let ownInstance = try await spoolARunThatEnds(service: "twin", spool: spool, records: 20, prefix: "from the first process")
                // A live process holds the service's spool folder, so the second one spools in process-<pid>/.
                let lock = FileLock.acquire(spool + "/.lock")
                guard case .acquired(let held) = lock else { throw LockNotTaken(outcome: lock) }
                let orphanInstance = try await spoolARunThatEnds(service: "twin", spool: spool, records: 30, prefix: "from the second process")
                let orphan = spool + "/process-\(getpid())"
                #expect(!spooledBatches(orphan).isEmpty, "the second process spooled in a folder of its own")
                FileLock.release(held)

                // Both spools number their batches from 1; the receiver acknowledges the number a message
                // names, so the next run must renumber what it takes in, or acks would hit the wrong batches.
                let next = try LogShipper(configuration: testShipperConfiguration(port: receiver.port, service: "twin", spool: spool))
                try await withRunningShipper(next) {
                    shippingLogger(service: "twin", sink: next).info("from the next run")
                    #expect(await next.flush(timeout: .seconds(20)))
                }
                let stored = try await receiver.store.search(LogQuery(service: "twin", limit: 100)).records
                #expect(stored.count == 51)
                #expect(Set(stored.compactMap(\.instance)) == [ownInstance, orphanInstance, next.instance])
                #expect(!FileManager.default.fileExists(atPath: orphan), "the dead process's folder was emptied and removed")
                #expect(spooledBatches(spool).isEmpty)
            }
        }
    }

    @Test func aFullSpoolDropsTheOldestAndTheCountReachesTheReceiver() async throws {
        let port = try unusedLoopbackPort()
        try await withTemporaryDirectory { spool in
            var configuration = testShipperConfiguration(port: port, service: "flooded", spool: spool, diagnostics: DiagnosticsLog())
            configuration.batchRecords = 10
            configuration.spoolLimitBytes = 16 * 1024
            let shipper = try LogShipper(configuration: configuration)
            let logger = shippingLogger(service: "flooded", sink: shipper)
            try await withRunningShipper(shipper) {
                for index in 0..<1_000 {
                    logger.info("flood \(index)")
                    if index % 50 == 49 { try await Task.sleep(for: .milliseconds(5)) }
                }
                #expect(await eventually(within: 20) {
                    let statistics = shipper.statistics
                    return statistics.spooledRecords + statistics.droppedFromSpool == 1_000
                })
                let spooled = shipper.statistics
                #expect(spooled.droppedFromSpool > 0)
                #expect(spooled.spooledRecords < 1_000)
                try await withReceiver(configure: { $0.port = port }) { receiver in
                    #expect(await shipper.flush(timeout: .seconds(20)))
                    let stored = try await receiver.store.search(LogQuery(service: "flooded", limit: 10_000)).records
                    let reports = stored.filter { $0.event == "records_dropped" }
                    try #require(reports.count == 1)
                    #expect(reports[0].level == .warning)
                    let dropped = try #require(reports[0].field("dropped").flatMap { Int($0) })
                    let kept = stored.filter { $0.event != "records_dropped" }
                    #expect(kept.count + dropped == 1_000, "every record is either stored or counted as dropped")
                    // Oldest dropped first: what is kept is the newest, contiguous run.
                    let indices = kept.compactMap { Int($0.message.split(separator: " ").last ?? "") }.sorted()
                    #expect(indices == Array((1_000 - kept.count)..<1_000))
                }
            }
        }
    }

    @Test func gracefulShutdownShipsWhatWasLoggedBeforeReturning() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { spool in
                var configuration = testShipperConfiguration(port: receiver.port, service: "leaving", spool: spool)
                configuration.flushInterval = .seconds(30)  // nothing ships on a timer: only shutdown flushes
                // A deadline this test does not test: the default 5 s ran out once under three busy loops, with
                // the batch stored but its acknowledgement not yet back (the batch then stays spooled, as it should).
                configuration.shutdownTimeout = .seconds(60)
                let shipper = try LogShipper(configuration: configuration)
                let logger = shippingLogger(service: "leaving", sink: shipper)
                let group = ServiceGroup(services: [shipper], logger: quietLogger)
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    try await Task.sleep(for: .milliseconds(100))
                    for index in 0..<50 { logger.info("last words \(index)") }
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
                let stored = try await receiver.store.search(LogQuery(service: "leaving", limit: 100)).records
                #expect(stored.count == 50)
                #expect(spooledBatches(spool).isEmpty)
            }
        }
    }

    @Test func configurationReadsTheEnvironmentAndShipsOnlyWhenAURLIsSet() throws {
        #expect(LogShipper.Configuration(service: "svc", environment: [:]) == nil)
        let configuration = try #require(
            LogShipper.Configuration(service: "my svc/1", environment: [
                "TRACE_RECEIVER_URL": "http://127.0.0.1:7890/", "TRACE_RECEIVER_INGEST_TOKEN": "secret", "TRACE_RECEIVER_SPOOL_DIR": "/tmp/spools",
            ])
        )
        #expect(configuration.receiverURL == "http://127.0.0.1:7890/")
        #expect(configuration.ingestToken == "secret")
        #expect(configuration.spoolDirectory == "/tmp/spools/my_svc_1", "the service name is made safe for a path")
    }

    @Test(arguments: [
        ("http://127.0.0.1:7890", "ws://127.0.0.1:7890/api/stream"),
        ("HTTPS://traces.example.com/", "wss://traces.example.com/api/stream"),
        ("127.0.0.1:7890", "ws://127.0.0.1:7890/api/stream"),
        ("ws://[::1]:7890/api/stream", "ws://[::1]:7890/api/stream"),
        ("https://proxy.example.com/trace/", "wss://proxy.example.com/trace/api/stream"),
    ])
    func theStreamURLComesFromTheReceiversAddress(_ receiverURL: String, _ streamURL: String) throws {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("unused-spool-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let shipper = try LogShipper(configuration: LogShipper.Configuration(receiverURL: receiverURL, service: "svc", spoolDirectory: spool))
        #expect(shipper.streamURL == streamURL)
    }

    @Test(arguments: [
        "http://user:secret@127.0.0.1:7890", "http://127.0.0.1:7890/?token=x", "http://127.0.0.1:7890#top", "http://127.0.0.1:99999",
        "http://127.0.0.1:0", "http://", "http://127.0.0.1:port", "http://two words:7890",
    ])
    func aReceiverURLThatIsNotAnAddressIsRefusedWhenTheShipperIsMade(_ receiverURL: String) {
        let spool = FileManager.default.temporaryDirectory.appendingPathComponent("unused-spool-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: spool) }
        #expect(throws: ShipperError.invalidReceiverURL(receiverURL)) {
            try LogShipper(configuration: LogShipper.Configuration(receiverURL: receiverURL, service: "svc", spoolDirectory: spool))
        }
        #expect(!FileManager.default.fileExists(atPath: spool), "nothing is made for a shipper that cannot ship")
    }

    @Test func sendsTheIngestTokenTheReceiverRequires() async throws {
        try await withReceiver(configure: { $0.ingestToken = "s3cret" }) { receiver in
            try await withTemporaryDirectory { spool in
                var configuration = testShipperConfiguration(port: receiver.port, service: "authed", spool: spool)
                configuration.ingestToken = "s3cret"
                let shipper = try LogShipper(configuration: configuration)
                try await withRunningShipper(shipper) {
                    shippingLogger(service: "authed", sink: shipper).info("with a token")
                    #expect(await shipper.flush(timeout: .seconds(20)))
                }
                #expect(try await receiver.store.search(LogQuery(service: "authed", limit: 10)).records.count == 1)
            }
        }
    }

    @Test func aShipperWithoutTheTokenSaysTheReceiverRefusedItAndWhatToSet() async throws {
        try await withReceiver(configure: { $0.ingestToken = "s3cret" }) { receiver in
            try await withTemporaryDirectory { spool in
                let diagnostics = DiagnosticsLog()
                let shipper = try LogShipper(configuration: testShipperConfiguration(port: receiver.port, service: "tokenless", spool: spool, diagnostics: diagnostics))
                try await withRunningShipper(shipper) {
                    shippingLogger(service: "tokenless", sink: shipper).info("without a token")
                    #expect(await eventually(within: 20) { !diagnostics.all.isEmpty })
                }
                let said = diagnostics.all
                #expect(said.count == 1, "said once, not per attempt: \(said)")
                #expect(said.first?.contains("refused the stream: a receiver started with --ingest-token needs it (set TRACE_RECEIVER_INGEST_TOKEN to its token)") == true, "\(said)")
                #expect(!(said.first ?? "").contains("cannot reach"))
                #expect(try await receiver.store.statistics().records == 0)
                #expect(shipper.statistics.spooledRecords == 1, "kept for when the token is set")
            }
        }
    }
}

/// The test could not take a lock it needs to stand in for another process.
private struct LockNotTaken: Error {
    let outcome: FileLock.Outcome
}
