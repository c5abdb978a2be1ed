import Foundation
import RequestTracing
import Testing

@testable import TraceReceiver

@Suite("Capture: the forwarder from lines to records")
struct CaptureForwarderTests {
    /// The records a forwarder makes of `lines`, read from one stream, once the input has ended.
    static func records(forwarding lines: [String], service: String = "api") throws -> [[String: Any]] {
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: service), sink: sink)
        for line in lines { forwarder.append(line: Array(line.utf8), stream: 1) }
        forwarder.finish()
        return try ServicePrefixTests.records(sink)
    }

    @Test func aLinesOriginLeadsItsRecordAsInstanceAndSeqAndAnEventKeepsItsFirstLines() throws {
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "app"), sink: sink)
        let lines: [(String, UInt64)] = [
            ("2026-01-31 10:15:24,002 - shop - ERROR - charge failed", 55),
            ("Traceback (most recent call last):", 90),
            ("ZeroDivisionError: division by zero", 126),
            ("done", 131),
        ]
        for (line, offset) in lines {
            forwarder.append(line: Array(line.utf8), origin: CaptureOrigin(instance: "tail-5eed", sequence: offset))
        }
        forwarder.append(line: Array("read from a pipe".utf8), stream: 2)
        // A container runtime's line in two parts: named by the part that completed it.
        forwarder.append(line: Array(#"{"log":"first half, ","stream":"stdout","time":"2026-11-30T10:00:00Z"}"#.utf8), stream: 3, origin: CaptureOrigin(instance: "tail-c0de", sequence: 70))
        forwarder.append(line: Array(#"{"log":"second half\n","stream":"stdout","time":"2026-11-30T10:00:00Z"}"#.utf8), stream: 3, origin: CaptureOrigin(instance: "tail-c0de", sequence: 140))
        forwarder.finish()

        #expect(sink.lines.first?.hasPrefix(#"{"instance":"tail-5eed","seq":55,"timestamp":"#) == true)
        #expect(sink.lines.filter { $0.hasPrefix(#"{"instance":"#) }.count == 3, "the line from the pipe has no origin")
        let records = try ServicePrefixTests.records(sink)
        let named = Dictionary(uniqueKeysWithValues: records.map { ($0["message"] as? String ?? "", "\($0["instance"] ?? "-") \($0["seq"] ?? "-")") })
        #expect(named == [
            "charge failed": "tail-5eed 55", "done": "tail-5eed 131", "read from a pipe": "- -", "first half, second half": "tail-c0de 140",
        ])
        #expect(records[0]["error_type"] as? String == "ZeroDivisionError", "the traceback is part of the first event")
    }

    @Test func colouredLinesAreJoinedAsPlainOnesAre() throws {
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "app"), sink: sink)
        for line in [
            "\u{1B}[31mERROR\u{1B}[0m:root:charge failed",
            "\u{1B}[1mTraceback (most recent call last):\u{1B}[0m",
            #"  File "\#u{1B}[35mapp.py\#u{1B}[0m", line 3, in charge"#,
            "\u{1B}[1;35mZeroDivisionError\u{1B}[0m: division by zero",
        ] {
            forwarder.append(line: Array(line.utf8))
        }
        forwarder.finish()
        let records = try ServicePrefixTests.records(sink)
        #expect(records.count == 1, "\(records.map { $0["message"] ?? "" })")
        #expect(records.first?["error_type"] as? String == "ZeroDivisionError")
        #expect((records.first?["stack"] as? String)?.contains(#"File "app.py", line 3"#) == true)
    }

    @Test func anIdleFlushWaitsForTheCrashReportAfterASwiftFatalError() throws {
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "app"), sink: sink, idleFlushDelay: .zero)
        forwarder.append(line: Array("plain line".utf8), stream: 1)
        forwarder.append(line: Array("main.swift:3: Fatal error: boom".utf8), stream: 2)
        forwarder.flushIdle()
        #expect(sink.lines.count == 1, "the plain line is complete; the fatal error waits for the runtime's report")
        for line in ["", "*** Signal 4: Backtracing from 0x7f40... done ***", "", "Thread 0 crashed:", "0 main + 1 in app at main.swift:3:1"] {
            forwarder.append(line: Array(line.utf8), stream: 2)
        }
        forwarder.flushIdle()
        #expect(sink.lines.count == 1, "the report is still being written")
        forwarder.append(line: Array("Backtrace took 4.84s".utf8), stream: 2)
        forwarder.finish()
        let records = try ServicePrefixTests.records(sink)
        #expect(records.count == 2)
        #expect((records.last?["stack"] as? String)?.hasSuffix("Backtrace took 4.84s") == true)
        #expect(records.last?["level"] as? String == "critical")
    }

    @Test func aStackTraceWhoseWriterPausesLongerThanTheIdleDelayIsNotSplit() throws {
        let delay = Duration.seconds(10)
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "java"), sink: sink, idleFlushDelay: delay)
        forwarder.append(line: Array(#"Exception in thread "main" java.lang.IllegalStateException: boom"#.utf8))
        forwarder.append(line: Array("\tat com.example.Service.first(Service.java:1)".utf8))
        forwarder.flushIdle(at: .now + delay * 2)  // the program is descheduled mid-trace
        #expect(sink.lines.isEmpty, "a trace being written waits five idle delays")
        forwarder.append(line: Array("\tat com.example.Service.second(Service.java:2)".utf8))
        forwarder.flushIdle(at: .now + delay * 6)
        let records = try ServicePrefixTests.records(sink)
        #expect(records.count == 1)
        #expect((records.first?["stack"] as? String)?.hasSuffix("second(Service.java:2)") == true, "\(records)")

        // A single line is complete after one idle delay.
        forwarder.append(line: Array("alone".utf8))
        forwarder.flushIdle(at: .now + delay * 2)
        #expect(sink.lines.count == 2)
    }

    /// The lines of one read, calling `between` after handing over the first (as an idle flush running
    /// while the reader is descheduled there would).
    struct ReadWithAPause: Sequence {
        let lines: [String]
        let between: () -> Void

        func makeIterator() -> AnyIterator<LineSplitter.Line> {
            var index = 0
            return AnyIterator {
                guard index < lines.count else { return nil }
                if index == 1 { between() }
                defer { index += 1 }
                return LineSplitter.Line(bytes: Array(lines[index].utf8), skippedBytes: 0, endOffset: 0)
            }
        }
    }

    @Test func anIdleFlushWhileTheReaderIsBetweenTwoLinesOfOneReadDoesNotSplitTheEvent() throws {
        let delay = Duration.milliseconds(100)
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "java"), sink: sink, idleFlushDelay: delay)
        let read = ReadWithAPause(
            lines: [#"Exception in thread "main" java.lang.RuntimeException: boom"#, "\tat com.example.Service.run(Service.java:7)"],
            between: { forwarder.flushIdle(at: .now + .seconds(60)) }
        )
        forwarder.append(lines: read, stream: 1)
        #expect(sink.lines.isEmpty, "the event stays open while its read is handed over")
        forwarder.flushIdle(at: .now + delay * 6)
        let records = try ServicePrefixTests.records(sink)
        #expect(records.count == 1, "\(records)")
        #expect(records.first?["stack"] as? String == "\tat com.example.Service.run(Service.java:7)")

        // Between reads the stream is idle as before.
        forwarder.append(lines: ReadWithAPause(lines: ["alone"], between: {}), stream: 1)
        forwarder.flushIdle(at: .now + delay * 2)
        #expect(sink.lines.count == 2)
    }

    @Test func aNestJSErrorIsJoinedWithTheStackPrintedBelowIt() throws {
        let records = try Self.records(forwarding: [
            "[Nest] 12345  - 11/30/2026, 10:00:03 AM   ERROR [ExceptionsHandler] Cannot read properties of undefined (reading 'id')",
            "TypeError: Cannot read properties of undefined (reading 'id')",
            "    at AppController.getOrder (/app/src/app.controller.ts:12:20)",
            "    at /app/node_modules/@nestjs/core/router/router-execution-context.js:38:29",
            "[Nest] 12345  - 11/30/2026, 10:00:04 AM     LOG [App] next",
        ])
        #expect(records.count == 2, "\(records.map { $0["message"] ?? "" })")
        let error = try #require(records.first { $0["level"] as? String == "error" })
        #expect(error["error_type"] as? String == "TypeError")
        #expect((error["stack"] as? String)?.contains("app.controller.ts:12:20") == true)
        #expect(error["message"] as? String == "Cannot read properties of undefined (reading 'id')")
    }

    // A failing statement in a `docker compose` Postgres (default log_line_prefix '%m [%p] ').
    @Test func aPostgresErrorKeepsItsDetailHintAndStatementAsFields() throws {
        let records = try Self.records(forwarding: [
            #"2026-11-30 09:00:00.123 UTC [42] ERROR:  duplicate key value violates unique constraint "orders_pkey""#,
            "2026-11-30 09:00:00.123 UTC [42] DETAIL:  Key (id)=(7) already exists.",
            "2026-11-30 09:00:00.123 UTC [42] STATEMENT:  INSERT INTO orders (id, total)",
            "\tVALUES (7, 12.50)",
            "2026-11-30 09:00:00.200 UTC [43] LOG:  checkpoint starting: time",
            "2026-11-30 09:00:00.300 UTC [44] DETAIL:  not joined to a line of another process",
        ], service: "db")
        #expect(records.count == 3, "\(records.map { $0["message"] ?? "" })")
        let error = try #require(records.first { $0["level"] as? String == "error" })
        #expect(error["message"] as? String == #"duplicate key value violates unique constraint "orders_pkey""#)
        let fields = try #require(error["fields"] as? [String: Any])
        #expect(fields["detail"] as? String == "Key (id)=(7) already exists.")
        #expect(fields["statement"] as? String == "INSERT INTO orders (id, total)\n\tVALUES (7, 12.50)")
        #expect(error["stack"] == nil)
    }
}
