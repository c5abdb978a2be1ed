import Foundation
import Testing
import TestSupport

@testable import TraceReceiver

@Suite("trace-receiver logs and trace: readable lines that senders cannot use to drive the terminal")
struct ReadableOutputTests {
    static let traceID = "5bf92f3577b34da6a3ce929d0e0e4736"

    /// A request whose every sender-chosen string carries terminal control sequences: escape (clear
    /// screen, colour, set window title), bell, carriage return and a C1 control.
    static func seedHostileRequest(_ receiver: RunningReceiver) async throws {
        let now = Date()
        let records: [[String: Any]] = [
            [
                "timestamp": timestamp(secondsAgo: 0.2, from: now), "service": "evil\u{1B}[2Jsvc", "event": "ev\u{1B}[31mred",
                "message": "first\rOVERWRITTEN", "request_id": "cli-hostile-1", "trace_id": traceID, "span_id": "1111111111111111",
                "error": "boom\u{07}", "fields": ["k\u{1B}]0;title\u{07}": "v\u{9B}2J"],
            ],
            [
                "timestamp": timestamp(secondsAgo: 0.1, from: now), "service": "a-service-name-longer-than-its-column",
                "event": "sneaky\u{1B}[H_completed", "message": "done", "request_id": "cli-hostile-1", "trace_id": traceID,
                "span_id": "2222222222222222", "parent_span_id": "1111111111111111", "duration_ms": 5,
            ],
            // Joins the trace through its trace id, carrying a hostile request id of its own.
            [
                "timestamp": timestamp(secondsAgo: 0.05, from: now), "service": "worker\nforged line", "message": "joined",
                "request_id": "other\u{1B}[2J", "trace_id": traceID,
            ],
        ]
        let reply = try await receiver.postLogs(records.map(recordLine).joined(separator: "\n"))
        #expect(try reply.counts() == Counts(accepted: 3))
    }

    /// Runs the CLI against `receiver` and returns its standard output.
    static func run(_ arguments: [String], _ receiver: RunningReceiver) async throws -> String {
        let process = try WrapperProcess(arguments + ["--receiver", receiver.baseURL])
        let (status, stdout, stderr) = await process.finish()
        #expect(status == 0, "\(String(decoding: stderr, as: UTF8.self))")
        return String(decoding: stdout, as: UTF8.self)
    }

    /// Runs the CLI with a filter the receiver refuses: it must fail, naming the option.
    static func expectRefusal(
        _ arguments: [String], naming option: String, _ receiver: RunningReceiver, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let process = try WrapperProcess(arguments + ["--receiver", receiver.baseURL])
        let (status, _, stderr) = await process.finish()
        #expect(status != 0, sourceLocation: sourceLocation)
        let said = String(decoding: stderr, as: UTF8.self)
        #expect(said.contains(option), "names the option: \(said)", sourceLocation: sourceLocation)
    }

    /// Control characters other than the newlines between lines.
    static func controls(in output: String) -> [Unicode.Scalar] {
        output.unicodeScalars.filter { scalar in
            scalar != "\n" && (scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value))
        }
    }

    @Test func logsDatesARecordFromAnotherDayAndNotOneFromToday() async throws {
        try await withReceiver { receiver in
            let now = Date()
            let records = [
                ["timestamp": "2020-02-29T23:59:58.5Z", "service": "api", "message": "from a leap day"],
                ["timestamp": timestamp(secondsAgo: 0, from: now), "service": "api", "message": "from today"],
            ]
            #expect(try await receiver.postLogs(records.map(recordLine).joined(separator: "\n")).counts() == Counts(accepted: 2))
            let lines = try await Self.run(["logs", "--service", "api"], receiver).split(separator: "\n").map(String.init)
            #expect(lines.count == 2)
            #expect(lines.first?.hasPrefix("2020-02-29 23:59:58.500 INFO") == true, "\(lines)")
            let time = String(timestamp(secondsAgo: 0, from: now).dropFirst(11).prefix(8))
            #expect(lines.last?.hasPrefix(time) == true, "\(lines)")
        }
    }

    @Test func logsFiltersByEventNames() async throws {
        try await withReceiver { receiver in
            let records = [
                ["service": "api", "event": "request_completed", "message": "GET /a 200"],
                ["service": "api", "event": "request_failed", "message": "GET /b 500"],
                ["service": "api", "event": "payment_declined", "message": "card refused"],
                ["service": "api", "message": "no event"],
            ]
            #expect(try await receiver.postLogs(records.map(recordLine).joined(separator: "\n")).counts() == Counts(accepted: 4))
            let found = try await Self.run(["logs", "--event", "request_failed,payment_declined", "--json"], receiver)
                .split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(Set(found.compactMap { $0["message"] as? String }) == ["GET /b 500", "card refused"])

            try await Self.expectRefusal(["logs", "--event", "bad event!"], naming: "--event", receiver)
        }
    }

    @Test func logsFiltersByFieldValues() async throws {
        try await withReceiver { receiver in
            let body = [
                #"{"service":"api","message":"from pod 1","fields":{"pod":"shop-1","status_code":500}}"#,
                #"{"service":"api","message":"from pod 2","fields":{"pod":"shop-2","status_code":500}}"#,
                #"{"service":"api","message":"fine","fields":{"pod":"shop-1","status_code":200}}"#,
            ]
            #expect(try await receiver.postLogs(body.joined(separator: "\n")).counts() == Counts(accepted: 3))
            let found = try await Self.run(["logs", "--field", "pod=shop-1", "--field", "status_code=500", "--json"], receiver)
                .split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(found.compactMap { $0["message"] as? String } == ["from pod 1"])

            try await Self.expectRefusal(["logs", "--field", "no value"], naming: "--field", receiver)
        }
    }

    @Test func requestsListsTheLatestOldestFirstWithStatusDurationServicesAndTheIDTraceTakes() async throws {
        try await withReceiver { receiver in
            try await RequestListTests.seed(receiver)
            let lines = try await Self.run(["requests"], receiver).split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(lines)")
            #expect(lines.map { $0.split(separator: " ").last.map(String.init) } == ["r1", "r2", "r3"], "newest last: \(lines)")
            let failed = lines[1]
            for part in ["GET", "/checkout", " 502 ", "4.0ms", "gateway → inventory", "✗ database unavailable"] {
                #expect(failed.contains(part), "\(part) in \(failed)")
            }
            #expect(!lines[0].contains("✗"))
            // Filters are the logs command's: a request is listed when any of its records matches.
            let warned = try await Self.run(["requests", "--level", "warning"], receiver).split(separator: "\n")
            #expect(warned.map { $0.split(separator: " ").last.map(String.init) } == ["r2", "r4"], "\(warned)")
            #expect(warned.last?.contains(" - ") == true, "a request still running has no path or status yet")
            let json = try await Self.run(["requests", "--json", "--limit", "2"], receiver).split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(json.map { $0["request_id"] as? String } == ["r2", "r3"])

            try await Self.expectRefusal(["requests", "--level", "loud"], naming: "--level", receiver)
        }
    }

    @Test func requestsPrintsEverySendersStringEscaped() async throws {
        try await withReceiver { receiver in
            let hostile = recordLine([
                "service": "evil\u{1B}[2Jsvc", "request_id": "r\u{1B}]0;x\u{07}", "event": "request_failed", "message": "m",
                "error": "boom\r\u{9B}2J", "duration_ms": 1, "fields": ["method": "GE\u{1B}[H", "path": "/x\u{1B}[2J", "status_code": 500],
            ])
            #expect(try await receiver.postLogs(hostile).counts() == Counts(accepted: 1))
            let output = try await Self.run(["requests"], receiver)
            #expect(Self.controls(in: output).isEmpty, "\(output.debugDescription)")
            #expect(output.contains("/x\\u001B[2J") && output.contains("evil\\u001B[2Jsvc") && output.contains("boom\\u000D\\u009B2J"), "\(output)")
        }
    }

    @Test func logsPrintsEverySendersStringEscaped() async throws {
        try await withReceiver { receiver in
            try await Self.seedHostileRequest(receiver)
            let output = try await Self.run(["logs", "--trace-id", Self.traceID], receiver)
            #expect(Self.controls(in: output).isEmpty, "\(output.debugDescription)")
            #expect(output.contains("evil\\u001B[2Jsvc"))
            #expect(output.contains("ev\\u001B[31mred"))
            #expect(output.contains("first\\u000DOVERWRITTEN"))
            #expect(output.contains("req=other\\u001B[2J"))
            #expect(output.contains("error=boom\\u0007"))
            #expect(output.contains("k\\u001B]0;title\\u0007=v\\u009B2J"))
        }
    }

    @Test func traceHeaderSpansAndTimelineAreEscaped() async throws {
        try await withReceiver { receiver in
            try await Self.seedHostileRequest(receiver)
            let output = try await Self.run(["trace", "cli-hostile-1"], receiver)
            #expect(Self.controls(in: output).isEmpty, "\(output.debugDescription)")
            #expect(output.contains("services evil\\u001B[2Jsvc → a-service-name-longer-than-its-column → worker\\u000Aforged line"))
            #expect(output.contains("sneaky\\u001B[H"), "the span named after its closing event")
        }
    }

    @Test(arguments: ["../../etc/passwd", "a/b", "id?limit=1", String(repeating: "x", count: 129), "evil\u{1B}[2J"])
    func traceRefusesWhatIsNotAnIDBeforeAskingTheReceiver(_ id: String) async throws {
        // No receiver listens there: an id sent on would fail with "cannot reach" instead.
        let process = try WrapperProcess(["trace", id, "--receiver", "127.0.0.1:\(try unusedLoopbackPort())"])
        let (status, _, stderr) = await process.finish()
        let message = String(decoding: stderr, as: UTF8.self)
        #expect(status != 0)
        #expect(message.contains("not a request or trace id: ids are 1–128 characters of A–Z, a–z, 0–9 and . _ : -"), "\(message)")
        #expect(!message.contains("cannot reach"))
    }

    @Test(arguments: [
        (["--since", "2026-13-45"], "--since: expected a span like 30m, 1h, 2d or an RFC 3339 timestamp"),
        (["--level", "loud"], "--level: must be one of"), (["--limit", "0"], "--limit: must be a whole number"),
        (["--follow", "--source", "nowhere"], "--source: must be backend, frontend or capture"),
    ])
    func logsNamesTheOptionTheReceiverRefusedAsItWasTyped(_ arguments: [String], _ expected: String) async throws {
        try await withReceiver { receiver in
            let process = try WrapperProcess(["logs"] + arguments + ["--receiver", receiver.baseURL])
            let (status, _, stderr) = await process.finish()
            let message = String(decoding: stderr, as: UTF8.self)
            #expect(status != 0)
            #expect(message.contains("Error: " + expected), "\(message)")
        }
    }

    @Test func aServiceLongerThanItsColumnIsPrintedWhole() async throws {
        try await withReceiver { receiver in
            try await Self.seedHostileRequest(receiver)
            let output = try await Self.run(["logs", "--service", "a-service-name-longer-than-its-column"], receiver)
            let line = try #require(output.split(separator: "\n").first { $0.contains("done") })
            #expect(line.contains(" a-service-name-longer-than-its-column sneaky"), "\(line)")
        }
    }
}
