import Logging
import Testing
@testable import RequestTracing

struct ConsoleFormatTests {
    private func consoleLogger(_ sink: RawLogSink, colour: Bool = false) -> Logger {
        Logger(label: "test") {
            StructuredLogHandler(label: $0, service: "svc", format: .console(colour: colour), sink: sink, logLevel: .trace)
        }
    }

    private func onlyLine(_ sink: RawLogSink) throws -> String {
        #expect(sink.lines.count == 1)
        return String(decoding: try #require(sink.lines.first), as: UTF8.self)
    }

    @Test func containsTimeLevelServiceMessageAndFields() throws {
        let sink = RawLogSink()
        consoleLogger(sink).info("hello there", metadata: ["user": "alice", "count": .stringConvertible(3)])
        let line = try onlyLine(sink)
        #expect(line.hasSuffix("\n"))
        #expect(try Regex(#"^\d{2}:\d{2}:\d{2}\.\d{3} INFO +svc hello there"#).firstMatch(in: line) != nil)
        #expect(line.contains(" user=alice"))
        #expect(line.contains(" count=3"))
        #expect(!line.contains("{"))
    }

    @Test func showsRequestIDPrefixEventAndPromotedValues() throws {
        let sink = RawLogSink()
        let context = RequestTraceContext(incomingRequestID: "0190ab12-rest-of-id", traceparent: nil, tracestate: nil)
        context.withBound {
            consoleLogger(sink).warning(
                "slow",
                metadata: ["event": "request_completed", "duration_ms": .stringConvertible(1.25), "path": "/api"]
            )
        }
        let line = try onlyLine(sink)
        #expect(line.contains("WARNING svc 0190ab12 request_completed slow"))
        #expect(!line.contains("rest-of-id"))
        #expect(line.contains(" duration_ms=1.25"))
        #expect(line.contains(" path=/api"))
    }

    @Test func showsErrorAndErrorType() throws {
        let sink = RawLogSink()
        consoleLogger(sink).error("failed", error: SampleFailure(code: 4))
        let line = try onlyLine(sink)
        #expect(line.contains(" error=sample failure 4"))
        #expect(line.contains(" error_type=RequestTracingTests.SampleFailure"))
    }

    @Test(arguments: Logger.Level.allCases)
    func separatesEveryLevelFromTheService(_ level: Logger.Level) throws {
        let sink = RawLogSink()
        consoleLogger(sink).log(level: level, "message")
        let tokens = try onlyLine(sink).split(separator: " ", omittingEmptySubsequences: true)
        #expect(tokens.count >= 4)
        #expect(tokens[1] == level.rawValue.uppercased())
        #expect(tokens[2] == "svc")
    }

    @Test func escapesControlCharactersInTheMessage() throws {
        let sink = RawLogSink()
        consoleLogger(sink).info("evil\u{1B}[2J\nINFO fake line\r\u{7}\u{7F}done")
        let bytes = try #require(sink.lines.first)
        #expect(!bytes.contains(0x1B))
        #expect(bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(!bytes.contains(UInt8(ascii: "\r")))
        #expect(!bytes.contains(0x07))
        #expect(!bytes.contains(0x7F))
        let line = String(decoding: bytes, as: UTF8.self)
        #expect(line.contains(#"evil\x1b[2J\nINFO fake line\r\x07\x7fdone"#))
    }

    @Test func escapesControlCharactersInMetadataKeysValuesAndService() throws {
        let sink = RawLogSink()
        let logger = Logger(label: "test") {
            StructuredLogHandler(label: $0, service: "s\u{1B}vc", format: .console(colour: false), sink: sink)
        }
        logger.info("m", metadata: ["ke\ny": "va\u{1B}]0;title\u{7}l\tue", "event": "ev\r\nent"])
        let bytes = try #require(sink.lines.first)
        #expect(!bytes.contains(0x1B))
        #expect(!bytes.contains(0x07))
        #expect(bytes.filter { $0 < 0x20 }.count == 1)  // only the final newline
        let line = String(decoding: bytes, as: UTF8.self)
        #expect(line.contains(#"s\x1bvc"#))
        #expect(line.contains(#" ke\ny=va\x1b]0;title\x07l\tue"#))
        #expect(line.contains(#"ev\r\nent"#))
    }

    @Test func colourModeColoursTheLevelButStillEscapesTheMessage() throws {
        let sink = RawLogSink()
        consoleLogger(sink, colour: true).error("bad\u{1B}[2Jthing")
        let line = try onlyLine(sink)
        #expect(line.contains("\u{1B}[31mERROR   \u{1B}[0m"))
        #expect(!line.contains("\u{1B}[2J"))
        #expect(line.contains(#"bad\x1b[2Jthing"#))
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test func noColourModeWritesNoEscapeSequences() throws {
        let sink = RawLogSink()
        RequestTraceContext.newRoot().withBound {
            consoleLogger(sink).info("m", metadata: ["event": "e"])
        }
        #expect(!(try #require(sink.lines.first)).contains(0x1B))
    }

    @Test func writesTheStackOnIndentedLinesAfterTheRecord() throws {
        let sink = RawLogSink()
        consoleLogger(sink).error("crash", metadata: ["stack": "frame0\nframe1\u{1B}"])
        let line = try onlyLine(sink)
        #expect(line.hasSuffix("\n    frame0\n    frame1\\x1b\n"))
    }

    @Test func automaticFormatPicksJSONForNonTerminalSinks() {
        #expect(LogFormat.automatic(for: InMemoryLogSink()) == .json)
        struct TerminalSink: LogSink {
            func write(_ line: [UInt8]) {}
            var isTerminal: Bool { true }
        }
        #expect(LogFormat.automatic(for: TerminalSink()) == .console(colour: true))
    }
}
