import Foundation
import Logging
import Testing
@testable import RequestTracing

struct StructuredLogHandlerTests {
    private static let timestampPattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"#
    private static let optionalKeys = [
        "event", "request_id", "trace_id", "span_id", "parent_span_id", "duration_ms", "error", "error_type",
        "stack", "fields",
    ]

    private func boundContext() -> RequestTraceContext {
        RequestTraceContext(incomingRequestID: "req-log-1", traceparent: W3CExample.traceparent, tracestate: nil)
    }

    // MARK: Framing and required keys

    @Test func writesOneParsableLinePerEntry() throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        logger.trace("first")
        logger.info("second")
        logger.critical("third")
        #expect(sink.lines.count == 3)
        let records = try sink.lines.map { try parseRecord($0) }
        #expect(records.map { $0["message"] as? String } == ["first", "second", "third"])
        #expect(records.map { $0["level"] as? String } == ["trace", "info", "critical"])
    }

    @Test func respectsTheLogLevel() throws {
        let sink = InMemoryLogSink()
        let logger = Logger(label: "test") { StructuredLogHandler(label: $0, service: "svc", sink: sink, logLevel: .warning) }
        logger.info("dropped")
        logger.warning("kept")
        #expect(sink.lines.count == 1)
        #expect(try onlyRecord(sink)["message"] as? String == "kept")
    }

    @Test func writesTheRequiredKeys() throws {
        let sink = InMemoryLogSink()
        let before = Date()
        makeTestLogger(sink: sink).notice("hello world")
        let after = Date()
        let record = try onlyRecord(sink)
        let timestamp = try #require(record["timestamp"] as? String)
        #expect(try Regex(Self.timestampPattern).wholeMatch(in: timestamp) != nil)
        #expect(timestamp.hasSuffix("Z"))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = try #require(formatter.date(from: timestamp))
        #expect(parsed.timeIntervalSince(before) > -1)
        #expect(after.timeIntervalSince(parsed) > -1)
        #expect(record["level"] as? String == "notice")
        #expect(record["service"] as? String == "svc")
        #expect(record["source"] as? String == "backend")
        #expect(record["message"] as? String == "hello world")
    }

    @Test func usesTheLabelAsServiceWhenNoneIsGiven() throws {
        let sink = InMemoryLogSink()
        let logger = Logger(label: "checkout") { StructuredLogHandler(label: $0, sink: sink) }
        logger.info("x")
        #expect(try onlyRecord(sink)["service"] as? String == "checkout")
    }

    @Test func writesKeysInTheDocumentedOrder() throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        boundContext().withBound {
            logger.info("ordered", metadata: ["event": "e", "duration_ms": .stringConvertible(1.5), "user": "u"])
        }
        let line = try #require(sink.lines.first)
        let keys = ["\"timestamp\"", "\"level\"", "\"service\"", "\"source\"", "\"event\"", "\"message\"",
                    "\"request_id\"", "\"trace_id\"", "\"span_id\"", "\"parent_span_id\"", "\"duration_ms\"", "\"fields\""]
        let offsets = try keys.map { key in try #require(line.range(of: key)).lowerBound }
        #expect(offsets == offsets.sorted())
        #expect(line.hasPrefix("{\"timestamp\":\""))
    }

    @Test func omitsAbsentOptionalKeysInsteadOfWritingNull() throws {
        let sink = InMemoryLogSink()
        makeTestLogger(sink: sink).info("plain")
        let line = try #require(sink.lines.first)
        let record = try parseRecord(line)
        for key in Self.optionalKeys {
            #expect(record[key] == nil, "unexpected \(key)")
        }
        #expect(Set(record.keys) == ["timestamp", "level", "service", "source", "message"])
        #expect(!line.contains("null"))
        #expect(!record.values.contains { $0 is NSNull })
    }

    // MARK: Trace ids

    @Test func writesTraceIDsInsideABoundContext() throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        let context = boundContext()
        context.withBound { logger.info("inside") }
        logger.info("outside")
        #expect(sink.lines.count == 2)
        let inside = try parseRecord(sink.lines[0])
        #expect(inside["request_id"] as? String == "req-log-1")
        #expect(inside["trace_id"] as? String == W3CExample.traceID)
        #expect(inside["span_id"] as? String == context.spanID.description)
        #expect(inside["parent_span_id"] as? String == W3CExample.parentID)
        let outside = try parseRecord(sink.lines[1])
        for key in ["request_id", "trace_id", "span_id", "parent_span_id"] {
            #expect(outside[key] == nil)
        }
    }

    @Test func omitsParentSpanIDForARootSpan() throws {
        let sink = InMemoryLogSink()
        let root = RequestTraceContext.newRoot(requestID: "root-1")
        root.withBound { makeTestLogger(sink: sink).info("root") }
        let record = try onlyRecord(sink)
        #expect(record["request_id"] as? String == "root-1")
        #expect(record["span_id"] as? String == root.spanID.description)
        #expect(record["parent_span_id"] == nil)
    }

    @Test func writesTraceIDsFromChildTasks() async throws {
        let sink = InMemoryLogSink()
        let logger = makeTestLogger(sink: sink)
        let context = boundContext()
        await context.withBound {
            async let one: Void = logger.info("async let")
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<3 { group.addTask { logger.info("group \(index)") } }
            }
            await one
        }
        let records = try sink.lines.map { try parseRecord($0) }
        #expect(records.count == 4)
        #expect(records.allSatisfy { $0["span_id"] as? String == context.spanID.description })
        #expect(records.allSatisfy { $0["request_id"] as? String == "req-log-1" })
    }

    @Test func explicitIDMetadataWinsOverTheBoundContext() throws {
        let sink = InMemoryLogSink()
        boundContext().withBound {
            makeTestLogger(sink: sink).info("override", metadata: ["request_id": "explicit-id"])
        }
        let record = try onlyRecord(sink)
        #expect(record["request_id"] as? String == "explicit-id")
        #expect(record["trace_id"] as? String == W3CExample.traceID)
        #expect(record["fields"] == nil)
    }

    // MARK: Metadata

    @Test func liftsPromotedKeysToTheTopLevelAndNestsTheRestUnderFields() throws {
        let sink = InMemoryLogSink()
        makeTestLogger(sink: sink).info(
            "promoted",
            metadata: [
                "event": "order_placed",
                "duration_ms": .stringConvertible(12.5),
                "error": "boom",
                "error_type": "Swift.Error",
                "stack": "frame 1\nframe 2",
                "user": "alice",
                "order_id": "o-1",
            ]
        )
        let record = try onlyRecord(sink)
        #expect(record["event"] as? String == "order_placed")
        let duration = try #require(record["duration_ms"] as? NSNumber)
        #expect(duration.doubleValue == 12.5)
        #expect(record["error"] as? String == "boom")
        #expect(record["error_type"] as? String == "Swift.Error")
        #expect(record["stack"] as? String == "frame 1\nframe 2")
        let fields = try #require(record["fields"] as? [String: Any])
        #expect(Set(fields.keys) == ["user", "order_id"])
        #expect(fields["user"] as? String == "alice")
        #expect(fields["order_id"] as? String == "o-1")
        let line = try #require(sink.lines.first)
        #expect(line.contains("\"duration_ms\":12.5"))
    }

    @Test func writesNumbersAndBooleansAsJSONScalars() throws {
        let sink = InMemoryLogSink()
        makeTestLogger(sink: sink).info(
            "scalars",
            metadata: [
                "count": .stringConvertible(42),
                "negative": .stringConvertible(-7),
                "ratio": .stringConvertible(0.25),
                "flag": .stringConvertible(true),
                "off": .stringConvertible(false),
                "small": .stringConvertible(UInt8(200)),
                "float": .stringConvertible(Float(1.5)),
                "text": "42",
            ]
        )
        let line = try #require(sink.lines.first)
        for fragment in ["\"count\":42", "\"negative\":-7", "\"ratio\":0.25", "\"flag\":true", "\"off\":false",
                         "\"small\":200", "\"float\":1.5", "\"text\":\"42\""] {
            #expect(line.contains(fragment), "missing \(fragment) in \(line)")
        }
        let fields = try #require(try parseRecord(line)["fields"] as? [String: Any])
        #expect((fields["count"] as? NSNumber)?.intValue == 42)
        #expect((fields["ratio"] as? NSNumber)?.doubleValue == 0.25)
        #expect(fields["text"] as? String == "42")
    }

    @Test func writesOtherConvertiblesAsStrings() throws {
        struct Version: CustomStringConvertible, Sendable { var description: String { "v1.2" } }
        let sink = InMemoryLogSink()
        makeTestLogger(sink: sink).info("x", metadata: ["version": .stringConvertible(Version())])
        let fields = try #require(try onlyRecord(sink)["fields"] as? [String: Any])
        #expect(fields["version"] as? String == "v1.2")
    }

    @Test func writesNestedDictionariesAndArraysAsJSON() throws {
        let sink = InMemoryLogSink()
        makeTestLogger(sink: sink).info(
            "nested",
            metadata: [
                "user": ["name": "alice", "roles": ["admin", "dev"], "age": .stringConvertible(30)],
                "list": [.string("a"), .stringConvertible(1), ["k": "v"], []],
                "empty": [:],
            ]
        )
        let fields = try #require(try onlyRecord(sink)["fields"] as? [String: Any])
        let user = try #require(fields["user"] as? [String: Any])
        #expect(user["name"] as? String == "alice")
        #expect(user["roles"] as? [String] == ["admin", "dev"])
        #expect((user["age"] as? NSNumber)?.intValue == 30)
        let list = try #require(fields["list"] as? [Any])
        #expect(list.count == 4)
        #expect(list[0] as? String == "a")
        #expect((list[1] as? NSNumber)?.intValue == 1)
        #expect((list[2] as? [String: Any])?["k"] as? String == "v")
        #expect((list[3] as? [Any])?.isEmpty == true)
        #expect((fields["empty"] as? [String: Any])?.isEmpty == true)
    }

    @Test func capsTheDepthOfDeeplyNestedMetadata() throws {
        var dictionary: Logger.MetadataValue = "leaf"
        var array: Logger.MetadataValue = "leaf"
        for _ in 0..<100 {
            dictionary = ["d": dictionary]
            array = [array]
        }
        let sink = InMemoryLogSink()
        makeTestLogger(sink: sink).info("deep", metadata: ["dictionary": dictionary, "array": array])
        let fields = try #require(try onlyRecord(sink)["fields"] as? [String: Any])

        var value: Any = try #require(fields["dictionary"])
        var levels = 0
        while let next = value as? [String: Any] {
            value = try #require(next["d"])
            levels += 1
        }
        #expect(levels == JSONWriter.maximumDepth)
        #expect(levels < 100)
        let cappedDictionary = try #require(value as? String)
        #expect(cappedDictionary.contains("leaf"))

        value = try #require(fields["array"])
        levels = 0
        while let next = value as? [Any] {
            value = try #require(next.first)
            levels += 1
        }
        #expect(levels == JSONWriter.maximumDepth)
        #expect(try #require(value as? String).contains("leaf"))
    }

    @Test func callSiteMetadataOverridesHandlerMetadata() throws {
        let sink = InMemoryLogSink()
        var logger = makeTestLogger(sink: sink)
        logger[metadataKey: "shared"] = "from-handler"
        logger[metadataKey: "handler_only"] = "h"
        logger[metadataKey: "event"] = "handler_event"
        logger.info("x", metadata: ["shared": "from-call", "call_only": "c", "event": "call_event"])
        logger.info("y")
        #expect(sink.lines.count == 2)
        let first = try parseRecord(sink.lines[0])
        #expect(first["event"] as? String == "call_event")
        let fields = try #require(first["fields"] as? [String: Any])
        #expect(fields["shared"] as? String == "from-call")
        #expect(fields["handler_only"] as? String == "h")
        #expect(fields["call_only"] as? String == "c")
        #expect(fields.count == 3)
        #expect(sink.lines[0].components(separatedBy: "\"shared\"").count == 2)  // written once
        let second = try parseRecord(sink.lines[1])
        #expect(second["event"] as? String == "handler_event")
        #expect((second["fields"] as? [String: Any])?["shared"] as? String == "from-handler")
    }

    @Test func providerMetadataSitsBetweenHandlerAndCallSite() throws {
        let sink = InMemoryLogSink()
        let provider = Logger.MetadataProvider { ["shared": "from-provider", "provided": "p"] }
        var logger = Logger(label: "test") {
            StructuredLogHandler(label: $0, service: "svc", sink: sink, logLevel: .trace, metadataProvider: provider)
        }
        logger[metadataKey: "shared"] = "from-handler"
        logger.info("a")
        logger.info("b", metadata: ["shared": "from-call"])
        let first = try #require(try parseRecord(sink.lines[0])["fields"] as? [String: Any])
        #expect(first["shared"] as? String == "from-provider")
        #expect(first["provided"] as? String == "p")
        let second = try #require(try parseRecord(sink.lines[1])["fields"] as? [String: Any])
        #expect(second["shared"] as? String == "from-call")
    }

    @Test func requestTracingProviderAddsIDsForOtherHandlers() throws {
        let context = boundContext()
        let metadata = context.withBound { Logger.MetadataProvider.requestTracing.get() }
        #expect(metadata["request_id"] == .string("req-log-1"))
        #expect(metadata["trace_id"] == .string(W3CExample.traceID))
        #expect(metadata["span_id"] == .string(context.spanID.description))
        #expect(metadata["parent_span_id"] == .string(W3CExample.parentID))
        #expect(Logger.MetadataProvider.requestTracing.get().isEmpty)
    }

    @Test func suppressesHummingbirdRequestIDMetadata() throws {
        let sink = InMemoryLogSink()
        var logger = makeTestLogger(sink: sink)
        logger[metadataKey: "hb.request.id"] = "handler-hb"
        logger.info("x", metadata: ["hb.request.id": "call-hb", "kept": "yes"])
        let line = try #require(sink.lines.first)
        #expect(!line.contains("hb.request.id"))
        #expect(!line.contains("call-hb"))
        let fields = try #require(try parseRecord(line)["fields"] as? [String: Any])
        #expect(Set(fields.keys) == ["kept"])
    }

    @Test func hummingbirdRequestIDReadsBackThroughTheSubscriptAndTheMetadataProperty() throws {
        var handler = StructuredLogHandler(label: "test", service: "svc", sink: InMemoryLogSink())
        handler[metadataKey: "hb.request.id"] = "req-1"
        handler[metadataKey: "tenant"] = "acme"
        #expect(handler[metadataKey: "hb.request.id"] == "req-1")
        #expect(handler.metadata == ["hb.request.id": "req-1", "tenant": "acme"])
        handler.metadata = ["hb.request.id": "req-2"]
        #expect(handler[metadataKey: "hb.request.id"] == "req-2")
        #expect(handler[metadataKey: "tenant"] == nil)
        // Only the suppressed key is set, so the handler's metadata adds nothing to a record.
        #expect(!handler.contributesMetadata)
        handler[metadataKey: "hb.request.id"] = nil
        #expect(handler.metadata.isEmpty)
    }

    @Test func hummingbirdRequestIDSetOnTheLoggerIsWrittenWhenNotSuppressed() throws {
        let sink = InMemoryLogSink()
        var logger = Logger(label: "test") {
            StructuredLogHandler(label: $0, service: "svc", sink: sink, suppressedMetadataKeys: [])
        }
        logger[metadataKey: "hb.request.id"] = "req-9"
        logger.info("x")
        let fields = try #require(try onlyRecord(sink)["fields"] as? [String: Any])
        #expect(fields["hb.request.id"] as? String == "req-9")
        #expect(logger[metadataKey: "hb.request.id"] == "req-9")
    }

    @Test func suppressesCustomKeys() throws {
        let sink = InMemoryLogSink()
        let logger = Logger(label: "test") {
            StructuredLogHandler(label: $0, service: "svc", sink: sink, suppressedMetadataKeys: ["secret"])
        }
        logger.info("x", metadata: ["secret": "hunter2", "hb.request.id": "now-allowed"])
        let fields = try #require(try onlyRecord(sink)["fields"] as? [String: Any])
        #expect(fields["secret"] == nil)
        #expect(fields["hb.request.id"] as? String == "now-allowed")
    }

    // MARK: Errors

    @Test func loggingAnErrorFillsErrorAndErrorType() throws {
        let sink = InMemoryLogSink()
        makeTestLogger(sink: sink).error("payment failed", error: SampleFailure(code: 12))
        let record = try onlyRecord(sink)
        #expect(record["level"] as? String == "error")
        #expect(record["message"] as? String == "payment failed")
        #expect(record["error"] as? String == "sample failure 12")
        #expect(record["error_type"] as? String == "RequestTracingTests.SampleFailure")
        #expect(record["fields"] == nil)
    }

    @Test func loggingATracedErrorFillsErrorContextUnderFields() throws {
        let sink = InMemoryLogSink()
        let traced = TracedError("charging the card failed", cause: SampleFailure(code: 5), context: ["order_id": "o-9"])
        makeTestLogger(sink: sink).error("checkout failed", error: traced, metadata: ["user": "bob"])
        let record = try onlyRecord(sink)
        #expect(record["error"] as? String == "charging the card failed: sample failure 5")
        #expect(record["error_type"] as? String == "RequestTracingTests.SampleFailure")
        let fields = try #require(record["fields"] as? [String: Any])
        #expect(fields["user"] as? String == "bob")
        let context = try #require(fields["error_context"] as? [String: Any])
        #expect(context["order_id"] as? String == "o-9")
    }

    @Test func tracedErrorWithoutContextAddsNoFields() throws {
        let sink = InMemoryLogSink()
        makeTestLogger(sink: sink).error("failed", error: TracedError("step", cause: SampleFailure()))
        let record = try onlyRecord(sink)
        #expect(record["fields"] == nil)
        #expect(record["error"] as? String == "step: sample failure 7")
    }

    // MARK: Escaping

    static let nastyStrings: [String] = {
        var strings = [
            "plain",
            "\"quoted\"",
            "back\\slash\\",
            "\\\"",
            "\n\r\t",
            "line one\nline two",
            String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }),
            "\u{7F}",
            "delete\u{7F}me",
            "\u{2028}",
            "\u{2029}",
            "a\u{2028}b\u{2029}c",
            "😀👩‍👩‍👧‍👦🇺🇳",
            "e\u{301}",
            "a\u{300}\u{301}\u{302}\u{303}",
            "</script><script>alert(1)</script>",
            String(decoding: [0xFF, 0xFE, 0x41, 0xC3], as: UTF8.self),
            "byte\u{FEFF}order\u{FFFE}mark",  // (a leading U+FEFF is dropped by corelibs JSONSerialization itself)
            "{\"injected\":true}",
            "€ ß 中文 \u{10FFFF}",
            "\u{1B}[31mred\u{1B}[0m",
        ]
        for value in 0..<0x20 {
            strings.append("ctl\(value):" + String(Character(Unicode.Scalar(UInt8(value)))) + ":end")
        }
        return strings
    }()

    @Test func invalidUTF8IsRepairedBeforeItReachesTheLog() {
        let repaired = String(decoding: [0xFF, 0xFE, 0x41, 0xC3], as: UTF8.self)
        #expect(Array(repaired.unicodeScalars) == ["\u{FFFD}", "\u{FFFD}", "A", "\u{FFFD}"])
    }

    @Test(arguments: nastyStrings)
    func escapedStringsRoundTripExactly(_ nasty: String) throws {
        let raw = RawLogSink()
        let logger = Logger(label: "test") { StructuredLogHandler(label: $0, service: "svc", sink: raw, logLevel: .trace) }
        logger.info("\(nasty)", metadata: ["value": .string(nasty), nasty: "as-key", "list": [.string(nasty)]])

        let bytes = try #require(raw.lines.first)
        #expect(raw.lines.count == 1)
        #expect(bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(!bytes.contains { $0 < 0x20 && $0 != UInt8(ascii: "\n") })
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(Array(text.utf8) == bytes)  // valid UTF-8
        #expect(!text.contains("\u{2028}") && !text.contains("\u{2029}"))

        let object = try JSONSerialization.jsonObject(with: Data(bytes.dropLast()))
        let record = try #require(object as? [String: Any])
        let message = try #require(record["message"] as? String)
        #expect(Array(message.unicodeScalars) == Array(nasty.unicodeScalars))
        let fields = try #require(record["fields"] as? [String: Any])
        let value = try #require(fields["value"] as? String)
        #expect(Array(value.unicodeScalars) == Array(nasty.unicodeScalars))
        let listed = try #require((fields["list"] as? [Any])?.first as? String)
        #expect(Array(listed.unicodeScalars) == Array(nasty.unicodeScalars))
        #expect(fields.count == 3)
        let key = try #require(fields.first { $0.value as? String == "as-key" }?.key)
        #expect(Array(key.unicodeScalars) == Array(nasty.unicodeScalars))
    }

    @Test func escapesQuotesBackslashesAndControlCharactersAsRFC8259() throws {
        let raw = RawLogSink()
        let logger = Logger(label: "test") { StructuredLogHandler(label: $0, service: "svc", sink: raw) }
        logger.info("q\"b\\n\nr\rt\tb\u{8}f\u{C}z\u{0}e\u{1F}l\u{2028}p\u{2029}")
        let text = String(decoding: try #require(raw.lines.first), as: UTF8.self)
        #expect(text.contains(#""message":"q\"b\\n\nr\rt\tb\bf\fz\u0000e\u001fl\u2028p\u2029""#))
    }

    @Test func escapesTheServiceName() throws {
        let sink = InMemoryLogSink()
        let logger = Logger(label: "x") { StructuredLogHandler(label: $0, service: "svc\"\n", sink: sink) }
        logger.info("m")
        #expect(try onlyRecord(sink)["service"] as? String == "svc\"\n")
    }
}
