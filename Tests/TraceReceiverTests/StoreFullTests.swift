import Foundation
import RequestTracingShipper
import Testing

@testable import TraceReceiver

@Suite("A store that cannot write (a full disk)")
struct StoreFullTests {
    /// `count` records of about 300 bytes, stamped `daysAgo` days ago.
    static func batch(_ number: Int, daysAgo: Double, count: Int = 100) -> String {
        (0..<count).map { index in
            recordLine([
                "timestamp": timestamp(secondsAgo: daysAgo * 86_400), "service": "filler",
                "message": "batch \(number) record \(index) " + String(repeating: "f", count: 240),
            ])
        }.joined(separator: "\n")
    }

    @Test func aFullStoreIsAnswered507WithRetryAfterKeepsNothingOfTheBatchAndRecoversOnceThereIsRoom() async throws {
        // SQLite's page cap fails a write with SQLITE_FULL, as a full disk does (checked by hand on a 3 MiB tmpfs).
        try await withReceiver(configure: { $0.sqliteMaximumPages = 64 }) { (receiver) async throws in
            var refusal: Reply?
            var stored = 0
            for number in 0..<200 {
                let reply = try await receiver.postLogs(Self.batch(number, daysAgo: 30))
                guard reply.status == 200 else {
                    refusal = reply
                    break
                }
                stored += 100
            }
            let full = try #require(refusal, "the store never filled")
            #expect(stored > 0)
            #expect(full.status == 507)
            #expect(full.errorCode == "store_full")
            #expect(full.errorMessage?.hasPrefix("the disk holding the store ") == true, "\(full.body)")
            #expect(full.errorMessage?.contains("nothing from this request was stored") == true)
            #expect(full.headers["Retry-After"] == ["30"])
            #expect(try await receiver.store.statistics().records == stored, "none of the refused batch was kept")

            let health = try await receiver.get("/health")
            #expect(health.status == 503)
            #expect(try health.object()["status"] as? String == "degraded")
            #expect(try health.object()["store_ok"] as? Bool == false)
            #expect((try health.object()["store_error"] as? String)?.contains("is full") == true)
            #expect(metricValue(try await receiver.metrics(), "trace_receiver_store_write_failures_total") == 1)

            // A streaming shipper is told to keep the batch and wait, rather than resend at once.
            let streamed = Self.batch(500, daysAgo: 30).split(separator: "\n").map(String.init)
            let replies = try await streamExchange(receiver, [StreamTests.message(7, streamed)])
            #expect(replies.first?["nack"] as? Int == 7)
            #expect(replies.first?["error"] as? String == "store_full")
            #expect(replies.first?["retry_after_ms"] as? Int == 30_000)

            // Retention deletes the month-old records (all but the newest, which stays so that its id is
            // not given again); their pages are reused and writes succeed again.
            #expect(try await receiver.store.enforceRetention(now: RecordTime.now()) == stored - 1)
            let again = try await receiver.postLogs(Self.batch(999, daysAgo: 0))
            #expect(again.status == 200, "\(again.body)")
            #expect(try again.counts() == Counts(accepted: 100))
            let recovered = try await receiver.get("/health")
            #expect(recovered.status == 200)
            #expect(try recovered.object()["store_ok"] as? Bool == true)
            #expect(try recovered.object()["store_error"] == nil)
        }
    }

    @Test func runSendsToAReceiverWhoseStoreIsFullInsteadOfStartingAnotherOnItsPort() async throws {
        try await withReceiver(configure: { $0.sqliteMaximumPages = 64 }) { (receiver) async throws in
            var status = 200
            for number in 0..<200 where status == 200 { status = try await receiver.postLogs(Self.batch(number, daysAgo: 0)).status }
            #expect(status == 507)
            try await withTemporaryDirectory { directory in
                let wrapper = try WrapperProcess(
                    ["run", "--receiver", receiver.baseURL, "--store", directory + "/store", "--exit-flush-timeout", "1", "--", "/bin/echo", "still runs"],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                )
                let (exit, stdout, stderr) = await wrapper.finish()
                let note = String(decoding: stderr, as: UTF8.self)
                #expect(exit == 0, "\(note)")
                #expect(String(decoding: stdout, as: UTF8.self) == "still runs\n")
                #expect(!note.contains("started a trace receiver") && !note.contains("exited"), "\(note)")
                #expect(!FileManager.default.fileExists(atPath: directory + "/store"), "no second receiver was started")
            }
        }
    }

    @Test func aShipperKeepsItsBatchesWhenTheStoreIsFullAndSaysSoOnce() async throws {
        try await withReceiver(configure: { $0.sqliteMaximumPages = 64 }) { (receiver) async throws in
            // Filled to the last page: a rolled-back batch leaves free pages a smaller one could use.
            for size in [100, 10, 1] {
                var status = 200
                for number in 0..<1_000 where status == 200 { status = try await receiver.postLogs(Self.batch(number, daysAgo: 30, count: size)).status }
                #expect(status == 507)
            }
            let diagnostics = DiagnosticsLog()
            try await withTemporaryDirectory { spool in
                var configuration = testShipperConfiguration(port: receiver.port, service: "filler", spool: spool, diagnostics: diagnostics)
                configuration.batchRecords = 50
                let shipper = try LogShipper(configuration: configuration)
                let logger = shippingLogger(service: "filler", sink: shipper)
                try await withRunningShipper(shipper) {
                    for index in 0..<200 { logger.info("kept while the disk is full \(index) \(String(repeating: "k", count: 200))") }
                    #expect(await eventually(within: 20) { diagnostics.all.contains { $0.contains("cannot store records now") } }, "\(diagnostics.all)")
                    try await Task.sleep(for: .milliseconds(300))
                    let said = diagnostics.all.filter { $0.contains("cannot store records now") }
                    #expect(said == ["the trace receiver at ws://127.0.0.1:\(receiver.port)/api/stream cannot store records now (its disk is full); keeping them in \(spool) and resending every 30 s"])
                    #expect(shipper.statistics.spooledRecords == 200, "nothing dropped, nothing acknowledged")
                }
            }
        }
    }
}
