import Foundation
import Testing

@testable import TraceReceiver

/// `count` NDJSON records for `service`, messages `prefix 0…`.
func batch(_ service: String, _ count: Int, prefix: String = "m", extra: String = "") -> String {
    (0..<count).map { #"{"service":"\#(service)","message":"\#(prefix) \#($0)"\#(extra)}"# }.joined(separator: "\n")
}

@Suite("Per-service rate limit")
struct ServiceRateLimitTests {
    @Test func refusesABatchOverTheServiceRateWith429AndStoresNoneOfIt() async throws {
        // 0.5 records/s (burst 1): after the first batch the bucket is 19 tokens in debt, 40 s from admitting
        // again, so however slow the machine, the second batch comes while it is still in debt.
        try await withReceiver(configure: { $0.serviceRecordsPerSecond = 0.5 }) { (receiver) async throws in
            let first = try await receiver.postLogs(batch("noisy", 20))
            #expect(first.status == 200, "a batch larger than the burst passes while the bucket has tokens")
            #expect(try first.counts() == Counts(accepted: 20))
            let refused = try await receiver.postLogs(batch("noisy", 3, prefix: "refused"))
            #expect(refused.status == 429)
            #expect(refused.errorCode == "rate_limited")
            let retryAfter = try #require(refused.headers["Retry-After"].first.flatMap { Int($0) })
            // 20 tokens short of a whole one at 0.5/s is 40 s, less what refilled between the two posts.
            #expect((30...40).contains(retryAfter), "19 tokens of debt at 0.5/s, got \(retryAfter)")
            #expect(try await receiver.search("service=noisy").page["totalCount"] as? Int == 20)
            #expect(try await receiver.search("q=refused").logs.isEmpty)

            let other = try await receiver.postLogs(batch("quiet", 3))
            #expect(other.status == 200, "other services keep their own budget")
            #expect(try other.counts() == Counts(accepted: 3))
        }
    }

    @Test func aMixedBatchIsRefusedWholeWhenOneOfItsServicesIsOver() async throws {
        // 0.5/s, burst 1: ten records leave "noisy" 20 s from admitting again.
        try await withReceiver(configure: { $0.serviceRecordsPerSecond = 0.5 }) { (receiver) async throws in
            #expect(try await receiver.postLogs(batch("noisy", 10)).status == 200)
            let mixed = try await receiver.postLogs(batch("quiet", 1) + "\n" + batch("noisy", 1, prefix: "n"))
            #expect(mixed.status == 429)
            #expect(try await receiver.search("service=quiet").logs.isEmpty, "never silently trimmed")
        }
    }
}

@Suite("Deduplication")
struct DedupTests {
    @Test func aResentBodyIsAllDuplicates() async throws {
        try await withReceiver { (receiver) async throws in
            let body = batch("svc", 5, extra: #","timestamp":"2026-01-31T10:15:23.456Z""#)
            #expect(try await receiver.postLogs(body).counts() == Counts(accepted: 5))
            #expect(try await receiver.postLogs(body).counts() == Counts(accepted: 0, duplicates: 5))
            #expect(try await receiver.store.statistics().records == 5)
        }
    }

    @Test func instanceAndSequenceIdentifyARecordExactly() async throws {
        try await withReceiver { (receiver) async throws in
            let first = #"{"message":"original","instance":"i-1","seq":7}"#
            let sameSeqOtherText = #"{"message":"changed text","instance":"i-1","seq":7}"#
            let nextSeqSameText = #"{"message":"original","instance":"i-1","seq":8}"#
            let otherInstance = #"{"message":"original","instance":"i-2","seq":7}"#
            let reply = try await receiver.postLogs([first, sameSeqOtherText, nextSeqSameText, otherInstance].joined(separator: "\n"))
            #expect(try reply.counts() == Counts(accepted: 3, duplicates: 1))
            #expect(try await receiver.search("q=changed").logs.isEmpty)
        }
    }

    @Test func aCapturedCopyOfAStreamedRecordIsStoredOnceWhicheverArrivesFirst() async throws {
        try await withReceiver { (receiver) async throws in
            let content = #""timestamp":"2026-01-31T10:15:23.123456Z","service":"app","message":"charged card","request_id":"r-9""#
            // The program streams the record itself (its own instance) and `run` captures its stdout copy
            // (the wrapper's instance, source capture).
            let streamed = "{\(content),\"instance\":\"app-1\",\"seq\":1}"
            let captured = "{\(content),\"source\":\"capture\",\"instance\":\"run-1\",\"seq\":1}"
            #expect(try await receiver.postLogs(streamed).counts() == Counts(accepted: 1))
            #expect(try await receiver.postLogs(captured).counts() == Counts(accepted: 0, duplicates: 1))

            let laterContent = content.replacingOccurrences(of: "charged card", with: "sent receipt")
            #expect(try await receiver.postLogs("{\(laterContent),\"source\":\"capture\",\"instance\":\"run-1\",\"seq\":2}").counts() == Counts(accepted: 1))
            #expect(try await receiver.postLogs("{\(laterContent),\"instance\":\"app-1\",\"seq\":2}").counts() == Counts(accepted: 0, duplicates: 1))
            #expect(try await receiver.search("request_id=r-9").logs.count == 2)
        }
    }

    @Test func twoStreamedRecordsThatSayTheSameThingAreBothKept() async throws {
        try await withReceiver { (receiver) async throws in
            let content = #""timestamp":"2026-01-31T10:15:23.123456Z","service":"app","message":"tick""#
            let reply = try await receiver.postLogs("{\(content),\"instance\":\"a\",\"seq\":1}\n{\(content),\"instance\":\"a\",\"seq\":2}")
            #expect(try reply.counts() == Counts(accepted: 2))
        }
    }

    @Test func recordsWithoutSequenceAreDedupedByContent() async throws {
        try await withReceiver { (receiver) async throws in
            let line = #"{"message":"same","timestamp":"2026-01-31T10:15:23Z","request_id":"r1"}"#
            let differentTime = #"{"message":"same","timestamp":"2026-01-31T10:15:24Z","request_id":"r1"}"#
            let reply = try await receiver.postLogs([line, line, differentTime].joined(separator: "\n"))
            #expect(try reply.counts() == Counts(accepted: 2, duplicates: 1))
        }
    }

    @Test func dedupSurvivesARestartOnTheSameDirectory() async throws {
        try await withTemporaryDirectory { (directory) async throws in
            let body = batch("svc", 50, extra: #","instance":"i-9","timestamp":"2026-01-31T10:15:23Z""#)
                .split(separator: "\n").enumerated()
                .map { $0.element.replacingOccurrences(of: #""instance""#, with: #""seq":\#($0.offset),"instance""#) }
                .joined(separator: "\n")
            let contentOnly = #"{"message":"no seq","timestamp":"2026-01-31T10:15:23Z"}"#
            try await withReceiver(directory: directory) { (receiver) async throws in
                #expect(try await receiver.postLogs(body + "\n" + contentOnly).counts() == Counts(accepted: 51))
            }
            try await withReceiver(directory: directory) { (receiver) async throws in
                #expect(try await receiver.postLogs(body + "\n" + contentOnly).counts() == Counts(accepted: 0, duplicates: 51))
                #expect(try await receiver.store.statistics().records == 51)
            }
        }
    }
}

@Suite("Durability across restarts")
struct DurabilityTests {
    @Test func everyAcknowledgedRecordIsThereAfterARestart() async throws {
        try await withTemporaryDirectory { (directory) async throws in
            var acknowledged = 0
            try await withReceiver(directory: directory) { (receiver) async throws in
                for round in 0..<5 {
                    let reply = try await receiver.postLogs(batch("svc", 200, prefix: "round\(round)"))
                    acknowledged += try reply.counts().accepted
                }
            }
            #expect(acknowledged == 1000)
            try await withReceiver(directory: directory) { (receiver) async throws in
                let (logs, page) = try await receiver.search("service=svc&limit=10000")
                #expect(page["totalCount"] as? Int == 1000)
                let messages = Set(logs.compactMap { $0["message"] as? String })
                #expect(messages.count == 1000)
                #expect(messages.contains("round0 0") && messages.contains("round4 199"))
                let health = try await receiver.get("/health").object()
                #expect(health["records"] as? Int == 1000)
                #expect(health["store_ok"] as? Bool == true)
            }
        }
    }

    @Test func runReturnsOnCancellationAndClosesTheStore() async throws {
        let store = try await withReceiver { (receiver) async throws in
            #expect(try await receiver.postLogs(#"{"message":"m"}"#).status == 200)
            return receiver.receiver
        }.store
        // withReceiver already required run() to return without error; the store is closed now.
        await #expect(throws: (any Error).self) { try await store.statistics() }
    }

    @Test func refusesToBindBeyondLoopbackWithoutAnIngestToken() throws {
        var configuration = ReceiverConfiguration()
        configuration.host = "0.0.0.0"
        configuration.store = .memory
        #expect(throws: ReceiverConfigurationError.self) { try TraceReceiver(configuration: configuration, logger: quietLogger) }
        configuration.ingestToken = "t"
        #expect(throws: Never.self) { try TraceReceiver(configuration: configuration, logger: quietLogger) }
    }
}
