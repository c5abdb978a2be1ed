import Foundation
import TestSupport
import Testing

@testable import TraceReceiver

@Suite("POST /api/logs: NDJSON and JSON arrays")
struct LogIngestTests {
    @Test func keepsGoodLinesAndReportsBadOnesByLineNumberCountingBlankLines() async throws {
        try await withReceiver { (receiver) async throws in
            let body = [
                #"{"message":"first","service":"svc"}"#,
                "",
                "this is not json",
                #"{"message":"second","service":"svc"}"#,
                #"{"level":"info","service":"svc"}"#,
                "[1,2]",
                "   ",
                #"{"message":"third","service":"svc"}"#,
            ].joined(separator: "\n")
            let reply = try await receiver.postLogs(body)
            #expect(reply.status == 200)
            #expect(try reply.counts() == Counts(accepted: 3, rejected: 3))
            let errors = try reply.lineErrors()
            #expect(errors.map(\.line) == [3, 5, 6])
            #expect(errors[1].reason.contains("no message"), "\(errors[1].reason)")
            #expect(errors[2].reason.contains("not a JSON object"), "\(errors[2].reason)")
            let (logs, _) = try await receiver.search("service=svc")
            #expect(Set(logs.compactMap { $0["message"] as? String }) == ["first", "second", "third"])
        }
    }

    @Test func acceptsCRLFLineEndings() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postLogs("{\"message\":\"a\"}\r\n{\"message\":\"b\"}\r\n")
            #expect(try reply.counts() == Counts(accepted: 2))
        }
    }

    @Test func acceptsAJSONArrayAndNumbersItsElements() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postLogs(#"[{"message":"a"}, {"message":"b"}, 3, {"msg":"c"}]"#)
            #expect(reply.status == 200)
            #expect(try reply.counts() == Counts(accepted: 3, rejected: 1))
            #expect(try reply.lineErrors().map(\.line) == [3])
        }
    }

    @Test func aTruncatedArrayKeepsTheElementsBeforeTheBreak() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postLogs(#"[{"message":"a"},{"message":"b"},{"message":"c","level":"#)
            #expect(reply.status == 200)
            #expect(try reply.counts() == Counts(accepted: 2, rejected: 1))
            let error = try #require(try reply.lineErrors().first)
            #expect(error.line == 3)
            #expect(error.reason.contains("truncated"), "\(error.reason)")
            let (logs, _) = try await receiver.search("")
            #expect(logs.compactMap { $0["message"] as? String }.sorted() == ["a", "b"])
        }
    }

    @Test func refusesABodyOverTheLimitWith413AndStoresNothing() async throws {
        try await withReceiver(configure: { $0.maximumBodyBytes = 4096 }) { (receiver) async throws in
            let line = recordLine(["message": String(repeating: "x", count: 100)])
            let body = Array(repeating: line, count: 60).joined(separator: "\n")
            #expect(body.utf8.count > 4096)
            let reply = try await receiver.postLogs(body)
            #expect(reply.status == 413)
            #expect(reply.errorCode == "body_too_large")
            #expect(reply.errorMessage?.contains("4096") == true)
            #expect(try await receiver.store.statistics().records == 0)
        }
    }

    @Test func refusesAChunkedBodyOverTheLimitWith413() async throws {
        // No Content-Length: the limit is enforced while reading.
        try await withReceiver(configure: { $0.maximumBodyBytes = 4096 }) { (receiver) async throws in
            let line = recordLine(["message": String(repeating: "y", count: 200)]) + "\n"
            var request = Array("POST /api/logs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".utf8)
            for _ in 0..<30 {
                request += Array((String(line.utf8.count, radix: 16) + "\r\n" + line + "\r\n").utf8)
            }
            request += Array("0\r\n\r\n".utf8)
            let response = try await sendRawHTTP(request, port: receiver.port)
            #expect(response.hasPrefix("HTTP/1.1 413"), "\(response.prefix(200))")
            #expect(response.contains("body_too_large"))
        }
    }

    @Test func rejectsAnOversizedLineAloneAndKeepsTheOthers() async throws {
        try await withReceiver(configure: { $0.maximumRecordBytes = 256 }) { (receiver) async throws in
            let big = recordLine(["message": String(repeating: "z", count: 400)])
            let reply = try await receiver.postLogs([#"{"message":"ok 1"}"#, big, #"{"message":"ok 2"}"#].joined(separator: "\n"))
            #expect(try reply.counts() == Counts(accepted: 2, rejected: 1))
            let error = try #require(try reply.lineErrors().first)
            #expect(error.line == 2)
            #expect(error.reason.contains("limit is 256"), "\(error.reason)")
        }
    }

    @Test func rejectsALineWithInvalidUTF8Alone() async throws {
        try await withReceiver { (receiver) async throws in
            var body = Array(#"{"message":"fine"}"#.utf8) + [0x0A]
            body += Array(#"{"message":"bad "#.utf8) + [0xC3, 0x28] + Array(#" bytes"}"#.utf8) + [0x0A]
            body += Array(#"{"message":"overlong "#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8) + [0x0A]
            body += Array(#"{"message":"caf\#u{E9} ok"}"#.utf8)
            let reply = try await receiver.postLogs(bytes: body)
            #expect(try reply.counts() == Counts(accepted: 2, rejected: 2))
            let errors = try reply.lineErrors()
            #expect(errors.map(\.line) == [2, 3])
            #expect(errors.allSatisfy { $0.reason.contains("UTF-8") }, "\(errors)")
            let (logs, _) = try await receiver.search("")
            #expect(logs.compactMap { $0["message"] as? String }.sorted() == ["café ok", "fine"])
        }
    }

    @Test func rejectsNestingDeeperThan64LevelsAloneAndAcceptsExactly64() async throws {
        try await withReceiver { (receiver) async throws in
            // The record object is level 1; `n` arrays inside it make n + 1 levels.
            func nested(_ levels: Int, _ message: String) -> String {
                #"{"message":"\#(message)","deep":"# + String(repeating: "[", count: levels - 1)
                    + String(repeating: "]", count: levels - 1) + "}"
            }
            let body = [nested(64, "at limit"), nested(65, "too deep"), nested(5000, "far too deep"), #"{"message":"after"}"#]
                .joined(separator: "\n")
            let reply = try await receiver.postLogs(body)
            #expect(try reply.counts() == Counts(accepted: 2, rejected: 2))
            let errors = try reply.lineErrors()
            #expect(errors.map(\.line) == [2, 3])
            #expect(errors.allSatisfy { $0.reason.contains("nesting deeper than 64") }, "\(errors)")
        }
    }

    @Test func controlCharactersAndCRLFInjectionRoundTripEscapedOnOneLine() async throws {
        try await withReceiver { (receiver) async throws in
            let hostile = "line1\r\nSet-Cookie: evil=1\n{\"level\":\"critical\"}\u{0}\u{1B}[31m\u{7F}\u{2028}end"
            let reply = try await receiver.postLogs(recordLine(["message": hostile, "service": "svc", "note": "a\tb\r\n"]))
            #expect(try reply.counts() == Counts(accepted: 1))
            let page = try await receiver.store.search(LogQuery(service: "svc"))
            let record = try #require(page.records.first)
            #expect(record.message == hostile)
            let line = record.jsonLine
            #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{0}") && !line.contains("\u{1B}"), "\(line)")
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(parsed["message"] as? String == hostile)
            #expect((parsed["fields"] as? [String: Any])?["note"] as? String == "a\tb\r\n")
            // Through the query API too: one record, the same text, the injected level not taken.
            let (logs, _) = try await receiver.search("service=svc")
            #expect(logs.count == 1)
            #expect(logs.first?["message"] as? String == hostile)
            #expect(logs.first?["level"] as? String == "info")
        }
    }

    @Test func rejectsARawControlCharacterInsideAString() async throws {
        try await withReceiver { (receiver) async throws in
            let body: [UInt8] = Array(#"{"message":"a"#.utf8) + [0x0D] + Array(#"b"}"#.utf8) + [0x0A] + Array(#"{"message":"ok"}"#.utf8)
            let reply = try await receiver.postLogs(bytes: body)
            #expect(try reply.counts() == Counts(accepted: 1, rejected: 1))
            #expect(try reply.lineErrors().first?.reason.contains("control character") == true)
        }
    }

    @Test func keepsUnknownFieldsUnderFieldsAndMergesAFieldsObject() async throws {
        try await withReceiver { (receiver) async throws in
            let line = #"{"message":"m","service":"svc","user":"bob","count":3,"tags":["a","b"],"fields":{"method":"GET","nested":{"x":1}}}"#
            #expect(try await receiver.postLogs(line).counts() == Counts(accepted: 1))
            let (logs, _) = try await receiver.search("service=svc")
            let fields = try #require(logs.first?["fields"] as? [String: Any])
            #expect(fields["user"] as? String == "bob")
            #expect(fields["count"] as? Int == 3)
            #expect(fields["tags"] as? [String] == ["a", "b"])
            #expect(fields["method"] as? String == "GET")
            #expect((fields["nested"] as? [String: Any])?["x"] as? Int == 1)
            #expect(logs.first?["user"] == nil, "unknown keys are not promoted")
        }
    }

    @Test(arguments: [
        ("warn", "warning"), ("WARNING", "warning"), ("err", "error"), ("fatal", "critical"), ("panic", "critical"),
        ("information", "info"), ("30", "info"), ("50", "error"), ("17", "error"), ("21", "critical"), ("9", "info"),
    ])
    func readsLevelAliases(_ level: String, _ expected: String) async throws {
        try await withReceiver { (receiver) async throws in
            let numeric = Int(level) != nil
            let line = numeric ? #"{"message":"m","level":\#(level)}"# : #"{"message":"m","level":"\#(level)"}"#
            #expect(try await receiver.postLogs(line).counts() == Counts(accepted: 1))
            let (logs, _) = try await receiver.search("")
            #expect(logs.first?["level"] as? String == expected)
        }
    }

    @Test func keepsAnUnknownLevelAsInfoWithTheOriginalText() async throws {
        try await withReceiver { (receiver) async throws in
            _ = try await receiver.postLogs(#"{"message":"m","level":"loud"}"#)
            let (logs, _) = try await receiver.search("")
            #expect(logs.first?["level"] as? String == "info")
            #expect((logs.first?["fields"] as? [String: Any])?["original_level"] as? String == "loud")
        }
    }

    @Test func aMissingTimestampMeansNow() async throws {
        try await withReceiver { (receiver) async throws in
            let before = RecordTime.now()
            _ = try await receiver.postLogs(#"{"message":"when"}"#)
            let after = RecordTime.now()
            let record = try #require(try await receiver.store.search(LogQuery()).records.first)
            #expect(record.timestamp >= before && record.timestamp <= after)
        }
    }

    @Test(arguments: [
        ("1700000000", Int64(1_700_000_000_000_000)),
        ("1700000000.25", Int64(1_700_000_000_250_000)),
        ("1700000000123", Int64(1_700_000_000_123_000)),
        ("1700000000123456", Int64(1_700_000_000_123_456)),
        ("1700000000123456789", Int64(1_700_000_000_123_457)),
        ("\"2023-11-14T22:13:20.5Z\"", Int64(1_700_000_000_500_000)),
        ("\"2023-11-15T00:13:20+02:00\"", Int64(1_700_000_000_000_000)),
    ])
    func readsEpochNumbersAndRFC3339Timestamps(_ json: String, _ expected: Int64) async throws {
        try await withReceiver { (receiver) async throws in
            #expect(try await receiver.postLogs(#"{"message":"t","timestamp":\#(json)}"#).counts() == Counts(accepted: 1))
            let record = try #require(try await receiver.store.search(LogQuery()).records.first)
            #expect(record.timestamp == expected)
        }
    }

    @Test func aRecordStampedFarAheadOfTheReceiversClockIsStoredAtItsArrivalKeepingItsOwnTime() async throws {
        try await withReceiver { (receiver) async throws in
            let aheadWithinSkew = RecordTime.format(RecordTime.now() + 300_000_000)  // 5 min: within the default 10 min
            let before = RecordTime.now()
            let body = [
                #"{"message":"year 2099","timestamp":"2099-01-01T00:00:00Z"}"#,
                #"{"message":"year 9999","ts":"9999-12-31T23:59:59Z"}"#,
                #"{"message":"slightly ahead","timestamp":"\#(aheadWithinSkew)"}"#,
                #"{"message":"on time"}"#,
            ].joined(separator: "\n")
            #expect(try await receiver.postLogs(body).counts() == Counts(accepted: 4))
            let after = RecordTime.now()
            let records = try await receiver.store.search(LogQuery()).records
            // Newest first: a skewed record no longer heads every list.
            #expect(records.first?.message == "slightly ahead")
            #expect(records.first?.timestamp == RecordTime.parse(Array(aheadWithinSkew.utf8)))
            for (message, sent) in [("year 2099", "2099-01-01T00:00:00.000000Z"), ("year 9999", "9999-12-31T23:59:59.000000Z")] {
                let record = try #require(records.first { $0.message == message })
                #expect(record.timestamp >= before && record.timestamp <= after, "stored at its arrival")
                #expect(record.fields == #"{"sent_timestamp":"\#(sent)"}"#)
            }
        }
    }

    @Test func aRecordStampedFarAheadIsStillRecognisedWhenItIsSentAgain() async throws {
        try await withReceiver { (receiver) async throws in
            // No instance or seq: only its content identifies it, and its stored timestamp is its arrival,
            // which differs between the two sends.
            let body = #"{"message":"from the future","service":"ahead","timestamp":"2099-01-01T00:00:00Z"}"#
            #expect(try await receiver.postLogs(body).counts() == Counts(accepted: 1))
            try await Task.sleep(for: .milliseconds(5))
            #expect(try await receiver.postLogs(body).counts() == Counts(accepted: 0, duplicates: 1))
            #expect(try await receiver.store.search(LogQuery(service: "ahead")).records.count == 1)
        }
    }

    @Test func rejectsAnUnreadableTimestamp() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postLogs(#"{"message":"t","timestamp":"yesterday"}"# + "\n" + #"{"message":"t","ts":-5}"#)
            #expect(try reply.counts() == Counts(accepted: 0, rejected: 2))
            #expect(try reply.lineErrors().allSatisfy { $0.reason.contains("timestamp") })
        }
    }

    @Test func usesTheServiceAndSourceQueryParameters() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postLogs(
                #"{"message":"plain"}"# + "\n" + #"{"message":"named","service":"own"}"#, query: "?service=wrapped&source=capture"
            )
            #expect(try reply.counts() == Counts(accepted: 2))
            let (wrapped, _) = try await receiver.search("service=wrapped&source=capture")
            #expect(wrapped.map { $0["message"] as? String } == ["plain"])
            let (own, _) = try await receiver.search("service=own")
            #expect(own.first?["source"] as? String == "capture")
        }
    }

    @Test func refusesAnUnknownSourceParameterWith400() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.postLogs(#"{"message":"m"}"#, query: "?source=frontend")
            #expect(reply.status == 400)
            #expect(reply.errorCode == "invalid_parameter")
            #expect(reply.errorMessage?.contains("source") == true)
        }
    }

    @Test func requiresTheIngestTokenWhenOneIsConfigured() async throws {
        try await withReceiver(configure: { $0.ingestToken = "s3cret" }) { (receiver) async throws in
            let missing = try await receiver.postLogs(#"{"message":"m"}"#)
            #expect(missing.status == 401)
            #expect(missing.errorCode == "unauthorized")
            #expect(missing.headers["WWW-Authenticate"] == ["Bearer"])
            let wrong = try await receiver.postLogs(#"{"message":"m"}"#, headers: [("Authorization", "Bearer s3cre")])
            #expect(wrong.status == 401)
            let right = try await receiver.postLogs(#"{"message":"m"}"#, headers: [("Authorization", "Bearer s3cret")])
            #expect(right.status == 200)
            #expect(try right.counts() == Counts(accepted: 1))
            #expect(try await receiver.store.statistics().records == 1)
        }
    }

    @Test func answersUnknownRoutesWithAJSON404() async throws {
        try await withReceiver { (receiver) async throws in
            let reply = try await receiver.get("/api/nothing-here")
            #expect(reply.status == 404)
            #expect(reply.errorCode == "not_found")
            #expect(reply.headers["Content-Type"].first?.hasPrefix("application/json") == true)
        }
    }
}
