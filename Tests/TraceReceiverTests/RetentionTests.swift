import Foundation
import Testing

@testable import TraceReceiver

@Suite("Retention and the hot buffer's caps")
struct RetentionTests {
    @Test func sqliteRetentionRemovesRecordsOlderThanTheMaximumAge() async throws {
        try await withReceiver(configure: { $0.retentionAge = .seconds(86_400) }) { (receiver) async throws in
            let old = (0..<30).map { #"{"message":"old \#($0)","timestamp":"\#(timestamp(secondsAgo: 2 * 86_400))"}"# }
            let recent = (0..<20).map { #"{"message":"new \#($0)","timestamp":"\#(timestamp(secondsAgo: 3600))"}"# }
            #expect(try await receiver.postLogs((old + recent).joined(separator: "\n")).counts() == Counts(accepted: 50))
            let removed = try await receiver.store.enforceRetention(now: RecordTime.now())
            #expect(removed == 30)
            let (logs, page) = try await receiver.search("limit=100")
            #expect(page["totalCount"] as? Int == 20)
            #expect(logs.allSatisfy { ($0["message"] as? String)?.hasPrefix("new") == true })
            #expect(try await receiver.search("q=old").logs.isEmpty, "the text index forgets them too")
            #expect(try await receiver.store.statistics().evicted == 30)
            #expect(try await receiver.get("/health").object()["dropped"] as? Int == 30)
        }
    }

    @Test func sqliteRetentionRemovesTheTextOfEveryRecordItDeletesSliceBySlice() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteLogStore(directory: directory)
            let kept = 600
            let count = SQLiteLogStore.deletionSlice * 2 + kept + 5
            let base: Int64 = 1_800_000_000_000_000
            try await store.append((0..<count).map { index in
                // A NUL in the text: the index's rows are removed with the text exactly as stored.
                LogRecord(timestamp: base + Int64(index), service: "api", message: "shared \(index % 2 == 0 ? "even" : "odd")\u{0} line")
            })
            let cutoff = base + Int64(count - kept)
            let removed = try await store.enforceRetention(now: cutoff + SQLiteLogStore.Retention().maximumAge.microseconds)
            #expect(removed == count - kept)
            let shared = try await store.search(LogQuery(text: "shared", limit: 5))
            #expect(shared.totalCount == kept, "the text index holds the kept records only")
            #expect(shared.oldestTimestamp == cutoff)
            #expect(try await store.search(LogQuery(text: "even", limit: 5)).totalCount == kept / 2)
            #expect(try await store.search(LogQuery(text: "odd", limit: 1_000)).records.count == kept / 2)
            try await store.close()
        }
    }

    @Test func sqliteRetentionDeletesTheOldestRecordsToGetUnderTheSizeCap() async throws {
        let cap = 400 * 1024
        try await withReceiver(configure: { $0.retentionBytes = cap }) { (receiver) async throws in
            let padding = String(repeating: "p", count: 400)
            for round in 0..<10 {
                let body = (0..<200).map { #"{"message":"r\#(round) n\#($0) \#(padding)","service":"svc"}"# }.joined(separator: "\n")
                #expect(try await receiver.postLogs(body).counts().accepted == 200)
            }
            let before = try await receiver.store.statistics()
            #expect(before.bytes > cap, "the test must overflow the cap (\(before.bytes) bytes)")
            let removed = try await receiver.store.enforceRetention(now: RecordTime.now())
            let after = try await receiver.store.statistics()
            #expect(removed > 0)
            #expect(after.bytes <= cap)
            #expect(after.records == 2000 - removed)
            // Oldest first: the last record written survives, the first does not.
            #expect(try await receiver.search("q=r9+n199").logs.count == 1)
            #expect(try await receiver.search("q=r0+n0").logs.isEmpty)
        }
    }

    /// The WAL keeps the size it reached and the size cap does not count it, so a store with a small cap
    /// checkpoints as often as SQLite's default (1,000 pages, 4 MiB), while the default 1 GiB cap lets it
    /// grow to 32 MiB between checkpoints.
    @Test func aStoreWithASmallSizeCapKeepsItsWriteAheadLogSmall() async throws {
        try await withTemporaryDirectory { directory in
            let padding = String(repeating: "p", count: 300)
            var sizes: [Int] = []
            for (name, cap) in [("small", 16 << 20), ("default", SQLiteLogStore.Retention().maximumBytes)] {
                let store = try SQLiteLogStore(directory: "\(directory)/\(name)", retention: .init(maximumBytes: cap))
                for batch in 0..<30 {
                    try await store.append((0..<1000).map { LogRecord(timestamp: Int64(batch * 1000 + $0), service: "svc", message: "n\($0) \(padding)") })
                }
                let wal = try FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int ?? 0
                sizes.append(wal)
                try await store.close()
            }
            #expect(sizes[0] < 5 << 20, "small cap: \(sizes[0]) bytes of WAL")
            #expect(sizes[1] > 8 << 20, "default cap: \(sizes[1]) bytes of WAL")
        }
    }

    @Test func theMemoryStoreExpiresRecordsByArrivalAge() async throws {
        try await withReceiver(configure: {
            $0.store = .memory
            $0.memoryMaximumAge = .milliseconds(300)
        }) { (receiver) async throws in
            #expect(try await receiver.postLogs(batch("svc", 10)).counts() == Counts(accepted: 10))
            #expect(try await receiver.store.statistics().records == 10)
            let expired = try await eventually(within: 5) {
                _ = try await receiver.store.enforceRetention(now: RecordTime.now())
                return try await receiver.store.statistics().records == 0
            }
            #expect(expired)
            #expect(try await receiver.store.statistics().evicted == 10)
            #expect(try await receiver.search("").logs.isEmpty)
        }
    }

    @Test func theMemoryStoreEvictsOldestFirstAndStaysUnderItsByteCapUnderAFlood() async throws {
        // Room for the newest 100 records (about 600 bytes each with their place in the buffers) and the
        // buffers' unused capacity, which counts too.
        let cap = 128 * 1024
        try await withReceiver(configure: {
            $0.store = .memory
            $0.memoryMaximumBytes = cap
        }) { (receiver) async throws in
            let padding = String(repeating: "x", count: 200)
            for round in 0..<20 {
                let body = (0..<100).map { #"{"message":"r\#(round) n\#($0) \#(padding)","request_id":"req-\#(round)"}"# }
                    .joined(separator: "\n")
                #expect(try await receiver.postLogs(body).counts().accepted == 100)
                let statistics = try await receiver.store.statistics()
                #expect(statistics.bytes <= cap, "round \(round): \(statistics.bytes) bytes")
            }
            let statistics = try await receiver.store.statistics()
            #expect(statistics.evicted > 0)
            #expect(statistics.records + statistics.evicted == 2000)
            #expect(try await receiver.search("request_id=req-19").logs.count == 100, "the newest are kept")
            #expect(try await receiver.search("request_id=req-0").logs.isEmpty, "the oldest went first")
            #expect(try await receiver.get("/api/debug/trace/req-0").status == 404, "the id index forgot them too")

            let metrics = try await receiver.metrics()
            #expect(metricValue(metrics, "trace_receiver_evicted_records") == Double(statistics.evicted))
            let buffer = try #require(metricValue(metrics, "trace_receiver_buffer_bytes"))
            #expect(buffer > 0 && buffer <= Double(cap))
            #expect(metricValue(metrics, "trace_receiver_store_records") == Double(statistics.records))
            let health = try await receiver.get("/health").object()
            #expect(health["dropped"] as? Int == statistics.evicted)
            #expect(health["store"] as? String == "memory")
        }
    }
}
