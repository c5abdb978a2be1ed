import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import Synchronization
import Testing

@testable import TraceReceiver

/// Talks to `/api/stream`: sends each message in turn and collects the reply to each.
func streamExchange(_ receiver: RunningReceiver, _ messages: [String], token: String? = nil) async throws -> [[String: Any]] {
    let replies = Mutex<[String]>([])
    var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
    if let token { configuration.additionalHeaders[.authorization] = "Bearer \(token)" }
    try await WebSocketClient.connect(url: "ws://127.0.0.1:\(receiver.port)/api/stream", configuration: configuration, logger: quietLogger) {
        inbound, outbound, _ in
        var iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
        for message in messages {
            try await outbound.write(.text(message))
            guard case .text(let reply) = try await iterator.next() else { break }
            replies.withLock { $0.append(reply) }
        }
        try await outbound.close(.normalClosure, reason: nil)
    }
    return try replies.withLock { $0 }.map { text in
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }
}

@Suite("GET /api/stream WebSocket")
struct StreamTests {
    static func message(_ batch: Int, _ records: [String]) -> String {
        #"{"batch":\#(batch),"records":[\#(records.joined(separator: ","))]}"#
    }

    @Test func acknowledgesEachBatchWithCountsAndRecognisesAResend() async throws {
        try await withReceiver { (receiver) async throws in
            let first = Self.message(1, [#"{"message":"a","service":"streamer","instance":"i","seq":1}"#, #"{"message":"b","service":"streamer","instance":"i","seq":2}"#])
            let second = Self.message(2, [#"{"message":"c","service":"streamer"}"#, #"{"level":"info"}"#, "42"])
            let replies = try await streamExchange(receiver, [first, second, first])
            try #require(replies.count == 3)
            #expect(replies[0]["ack"] as? Int == 1)
            #expect(Counts(replies[0]) == Counts(accepted: 2))
            #expect(replies[1]["ack"] as? Int == 2)
            #expect(Counts(replies[1]) == Counts(accepted: 1, rejected: 2))
            let errors = try #require(replies[1]["errors"] as? [[String: Any]])
            #expect(errors.compactMap { $0["line"] as? Int } == [2, 3])
            #expect(replies[2]["ack"] as? Int == 1)
            #expect(Counts(replies[2]) == Counts(accepted: 0, duplicates: 2), "a resent batch is stored once")
            let (logs, _) = try await receiver.search("service=streamer")
            #expect(logs.compactMap { $0["message"] as? String } .sorted() == ["a", "b", "c"])
            #expect(logs.allSatisfy { $0["source"] as? String == "backend" })
        }
    }

    @Test func answersAnUnreadableMessageWithAnErrorAndStaysUsable() async throws {
        try await withReceiver { (receiver) async throws in
            let replies = try await streamExchange(receiver, [
                "not json", #"{"records":[]}"#, #"{"batch":-1,"records":[]}"#, #"{"batch":3,"records":{}}"#, #"{"batch":4,"records":[{"message":"x""#,
                Self.message(5, [#"{"message":"after errors"}"#]),
            ])
            try #require(replies.count == 6)
            for reply in replies.prefix(5) {
                #expect(reply["error"] as? String == "invalid_batch", "\(reply)")
                #expect((reply["message"] as? String)?.isEmpty == false)
            }
            #expect(replies[5]["ack"] as? Int == 5)
            #expect(Counts(replies[5]) == Counts(accepted: 1))
        }
    }

    @Test func rejectsAnOverDeepRecordAloneWithinABatch() async throws {
        try await withReceiver { (receiver) async throws in
            let deep = #"{"message":"deep","x":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
            let atLimit = #"{"message":"at limit","x":"# + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "}"
            let replies = try await streamExchange(receiver, [Self.message(1, [#"{"message":"ok"}"#, deep, atLimit])])
            let reply = try #require(replies.first)
            #expect(reply["ack"] as? Int == 1, "\(reply)")
            #expect(Counts(reply) == Counts(accepted: 2, rejected: 1), "the same depth limit as one NDJSON line")
        }
    }

    @Test func nacksABatchOverTheServiceRate() async throws {
        // 0.5/s, burst 1: ten records put the service 9 tokens in debt, 20 s from admitting again.
        try await withReceiver(configure: { $0.serviceRecordsPerSecond = 0.5 }) { (receiver) async throws in
            let records = (0..<10).map { #"{"message":"r\#($0)","service":"busy"}"# }
            let replies = try await streamExchange(receiver, [Self.message(1, records), Self.message(2, [#"{"message":"late","service":"busy"}"#])])
            try #require(replies.count == 2)
            #expect(replies[0]["ack"] as? Int == 1)
            #expect(replies[1]["nack"] as? Int == 2)
            #expect(replies[1]["error"] as? String == "rate_limited")
            let retry = try #require(replies[1]["retry_after_ms"] as? Int)
            #expect(retry > 10_000 && retry <= 20_000, "\(retry)")
            #expect(try await receiver.search("q=late").logs.isEmpty)
        }
    }

    @Test func requiresTheIngestTokenToUpgrade() async throws {
        try await withReceiver(configure: { $0.ingestToken = "s3cret" }) { (receiver) async throws in
            await #expect(throws: (any Error).self) {
                _ = try await streamExchange(receiver, [Self.message(1, [#"{"message":"no token"}"#])])
            }
            let replies = try await streamExchange(receiver, [Self.message(1, [#"{"message":"with token"}"#])], token: "s3cret")
            #expect(Counts(try #require(replies.first)) == Counts(accepted: 1))
            #expect(try await receiver.store.statistics().records == 1)
        }
    }
}
