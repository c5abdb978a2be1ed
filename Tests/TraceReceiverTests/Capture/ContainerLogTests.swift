import Foundation
import RequestTracing
import TestSupport
import Testing

@testable import TraceReceiver

@Suite("Capture: container runtimes' log files (Docker json-file, Kubernetes CRI)")
struct ContainerLogTests {
    static func envelope(_ line: String) -> ContainerLogEnvelope? {
        Array(line.utf8).withUnsafeBufferPointer { ContainerLogEnvelope.parse($0) }
    }

    static func micros(_ time: String) throws -> Int64 {
        try #require(RecordTime.parse(Array(time.utf8)))
    }

    // MARK: Envelopes

    @Test func aDockerJSONFileLineGivesTheProgramsLineItsStreamAndTime() throws {
        let line = #"{"log":"{\"level\":\"error\",\"msg\":\"boom \\u00e9\"}\n","stream":"stderr","time":"2026-11-30T10:00:04.123456789Z"}"#
        let envelope = try #require(Self.envelope(line))
        #expect(String(decoding: envelope.content, as: UTF8.self) == #"{"level":"error","msg":"boom \u00e9"}"#)
        #expect(envelope.stream == .stderr)
        #expect(envelope.time == (try Self.micros("2026-11-30T10:00:04.123456Z")))
        #expect(!envelope.isPartial)

        let part = try #require(Self.envelope(#"{"log":"first half","stream":"stdout","time":"2026-11-30T10:00:04Z"}"#))
        #expect(part.isPartial, "a log without its line feed is part of a longer line")
        let labelled = Self.envelope(#"{"log":"x\r\n","stream":"stdout","attrs":{"tag":"api"},"time":"2026-11-30T10:00:04Z"}"#)
        #expect(labelled.map { String(decoding: $0.content, as: UTF8.self) } == "x", "attrs are allowed, and a CRLF ends the line")
    }

    @Test func aCRILineGivesTheProgramsLineItsStreamTimeAndPartTag() throws {
        let full = try #require(Self.envelope("2026-11-30T10:00:05.123456789Z stderr F   indented {json}"))
        #expect(String(decoding: full.content, as: UTF8.self) == "  indented {json}", "one space separates the tag from the line")
        #expect(full.stream == .stderr)
        #expect(full.time == (try Self.micros("2026-11-30T10:00:05.123456Z")))
        #expect(!full.isPartial)
        #expect(Self.envelope("2026-11-30T10:00:05+01:00 stdout P part")?.isPartial == true)
        #expect(Self.envelope("2026-11-30T10:00:05Z stdout F:x future tag")?.content == Array("future tag".utf8))
        #expect(Self.envelope("2026-11-30T10:00:05Z stdout F")?.content == [], "an empty line")
    }

    @Test(arguments: [
        // A program's own JSON: other keys, or Docker's keys with other values.
        #"{"log":"x\n","stream":"stdout","time":"2026-11-30T10:00:04Z","level":"info"}"#,
        #"{"log":"x\n","stream":"stdin","time":"2026-11-30T10:00:04Z"}"#,
        #"{"log":"x\n","stream":"stdout","time":"yesterday"}"#,
        #"{"log":"x\n","stream":"stdout"}"#,
        #"{"log":7,"stream":"stdout","time":"2026-11-30T10:00:04Z"}"#,
        #"{"msg":"x","log":"x\n","stream":"stdout","time":"2026-11-30T10:00:04Z"}"#,
        // Truncated, hostile, or not an envelope at all.
        #"{"log":"x\n","stream":"stdout","time":"2026-11-30T10:00:04Z""#,
        #"{"log":"x\n","stream":"stdout","time":"2026-11-30T10:00:04Z"} trailing"#,
        "2026-11-30T10:00:05Z stdout X tag is not F or P",
        "2026-11-30T10:00:05Z stdio F x",
        "2026-11-30 10:00:05,123 stdout F a Python time is not a runtime's",
        "2026-11-30T10:00:05Z stdout FP x",
        "2026-11-30T10:00:05Z",
        "2026-11-30T10:00:05Zstdout F x",
        "12:00:00 plain text",
        "",
    ])
    func linesThatOnlyLookAlikeAreNotEnvelopes(line: String) {
        #expect(Self.envelope(line) == nil)
    }

    @Test func invalidUTF8OrDeepNestingInADockerLineIsNotAnEnvelopeAndDoesNotCrash() {
        var bytes = Array(#"{"log":"bad "#.utf8) + [0xC3, 0x28] + Array(#"\n","stream":"stdout","time":"2026-11-30T10:00:04Z"}"#.utf8)
        #expect(bytes.withUnsafeBufferPointer { ContainerLogEnvelope.parse($0) } == nil)
        bytes = Array(#"{"log":"x\n","stream":"stdout","time":"2026-11-30T10:00:04Z","attrs":"#.utf8)
            + Array(repeating: UInt8(ascii: "{"), count: 10_000) + [UInt8(ascii: "}")]
        #expect(bytes.withUnsafeBufferPointer { ContainerLogEnvelope.parse($0) } == nil)
    }

    // MARK: Through the forwarder

    static func forward(_ lines: [String]) throws -> [[String: Any]] {
        try CaptureForwarderTests.records(forwarding: lines)
    }

    @Test func aContainersJSONErrorIsStoredAsAnErrorWithItsRequestIDAndTheRuntimesTime() throws {
        let records = try Self.forward([
            #"{"log":"{\"level\":\"error\",\"msg\":\"payment failed\",\"request_id\":\"d0c4e12a-1111-2222-3333-444455556666\"}\n","stream":"stdout","time":"2026-11-30T10:00:04.5Z"}"#,
            #"2026-11-30T10:00:05.25Z stderr F {"level":"warn","msg":"slow","time":"2026-11-30T09:59:59Z"}"#,
        ])
        #expect(records.count == 2)
        let error = try #require(records.first { $0["level"] as? String == "error" })
        #expect(error["message"] as? String == "payment failed")
        #expect(error["request_id"] as? String == "d0c4e12a-1111-2222-3333-444455556666")
        #expect(error["timestamp"] as? String == "2026-11-30T10:00:04.500000Z", "a line without its own time gets the runtime's")
        let warning = try #require(records.first { $0["level"] as? String == "warning" })
        #expect(warning["timestamp"] as? String == "2026-11-30T09:59:59.000000Z", "a line's own time wins")
    }

    @Test func theRuntimesSplitPartsOfALongLineAreJoinedBackIntoOne() throws {
        let records = try Self.forward([
            "2026-11-30T10:00:05Z stdout P {\"level\":\"error\",\"msg\":\"first ",
            "2026-11-30T10:00:05Z stderr F an interleaved stderr line",
            "2026-11-30T10:00:05Z stdout P half, \"",
            "2026-11-30T10:00:06Z stdout F ,\"request_id\":\"r-9\"}",
            #"{"log":"docker ","stream":"stdout","time":"2026-11-30T10:00:07Z"}"#,
            #"{"log":"parts\n","stream":"stdout","time":"2026-11-30T10:00:08Z"}"#,
        ])
        let messages = records.compactMap { $0["message"] as? String }
        #expect(messages.sorted() == ["an interleaved stderr line", "docker parts", "first half, "])
        let joined = try #require(records.first { $0["message"] as? String == "first half, " })
        #expect(joined["level"] as? String == "error")
        #expect(joined["request_id"] as? String == "r-9")
        #expect(joined["timestamp"] as? String == "2026-11-30T10:00:05.000000Z", "the time of the line's first part")
    }

    @Test func aTracebackOnTheContainersStderrIsJoinedAcrossInterleavedStdoutLines() throws {
        let records = try Self.forward([
            "2026-11-30T10:00:05.1Z stderr F ERROR:root:charge failed request_id=r-7",
            "2026-11-30T10:00:05.2Z stdout F GET /health 200",
            "2026-11-30T10:00:05.3Z stderr F Traceback (most recent call last):",
            #"2026-11-30T10:00:05.4Z stderr F   File "app.py", line 3, in charge"#,
            "2026-11-30T10:00:05.5Z stdout F GET /health 200",
            "2026-11-30T10:00:05.6Z stderr F ZeroDivisionError: division by zero",
        ])
        #expect(records.count == 3, "\(records.map { $0["message"] ?? "" })")
        let error = try #require(records.first { $0["level"] as? String == "error" })
        #expect(error["error_type"] as? String == "ZeroDivisionError")
        #expect(error["request_id"] as? String == "r-7")
        #expect(error["timestamp"] as? String == "2026-11-30T10:00:05.100000Z", "the time of the event's first line")
        #expect((error["stack"] as? String)?.contains(#"File "app.py", line 3"#) == true)
    }

    @Test func aLineSplitIntoMorePartsThanALineMayHoldIsCutSayingHowMuchWasLeftOut() throws {
        let part = String(repeating: "x", count: 16 * 1024)
        let parts = (0..<5).map { _ in "2026-11-30T10:00:05Z stdout P \(part)" } + ["2026-11-30T10:00:05Z stdout F end", "2026-11-30T10:00:06Z stdout F next"]
        let records = try Self.forward(parts)
        #expect(records.count == 2)
        let kept = CaptureForwarder.maximumLineBytes
        let message = try #require(records.first?["message"] as? String)
        #expect(message == String(repeating: "x", count: kept) + " [… \(5 * part.utf8.count + 3 - kept) more bytes of this line not captured]")
        #expect(records.last?["message"] as? String == "next")
    }

    @Test func aLineWhoseLastPartNeverComesIsStoredWhenItsStreamGoesQuiet() async throws {
        let sink = InMemoryLogSink()
        let forwarder = CaptureForwarder(parser: CaptureParser(service: "api"), sink: sink, idleFlushDelay: .milliseconds(20))
        forwarder.append(line: Array("2026-11-30T10:00:05Z stdout P the container died mid-".utf8), stream: 1)
        forwarder.flushIdle()
        #expect(sink.lines.isEmpty)
        try await Task.sleep(for: .milliseconds(50))
        forwarder.flushIdle()  // the part becomes a line
        try await Task.sleep(for: .milliseconds(50))
        forwarder.flushIdle()  // the line's event completes
        let records = try ServicePrefixTests.records(sink)
        #expect(records.map { $0["message"] as? String } == ["the container died mid-"])
    }

    // MARK: Services from paths

    @Test func aContainerLogFileIsNamedAfterItsContainer() {
        let id = String(repeating: "0123456789abcdef", count: 4)
        #expect(ContainerLogPath.service(forPath: "/var/log/containers/checkout-7d9f8_shop_api-\(id).log") == "api")
        #expect(ContainerLogPath.service(forPath: "/var/log/containers/web_default_nginx-proxy-\(id).log") == "nginx-proxy")
        #expect(ContainerLogPath.service(forPath: "/var/log/pods/shop_checkout-7d9f8_0a1b2c3d-uid/api/0.log") == "api")
        #expect(ContainerLogPath.service(forPath: "/var/lib/docker/containers/\(id)/\(id)-json.log") == "0123456789ab")
        for path in [
            "/var/log/app.log", "/var/log/containers/app.log", "/var/log/containers/a_b_c-notanid.log", "/srv/pods/0.log",
            "/var/lib/docker/containers/\(id)/other-json.log", "0.log", "",
        ] {
            #expect(ContainerLogPath.service(forPath: path) == nil, "\(path)")
        }
    }

    @Test func tailingAKubernetesContainerLogStoresItsLinesUnderTheContainerWithTheirLevels() async throws {
        try await withReceiver { receiver in
            try await withTemporaryDirectory { directory in
                let id = String(repeating: "abcdef0123456789", count: 4)
                try FileManager.default.createDirectory(atPath: directory + "/containers", withIntermediateDirectories: true)
                let log = directory + "/containers/checkout-7d9f8_shop_api-\(id).log"
                try [
                    #"2026-11-30T10:00:05.1Z stdout F {"level":"info","msg":"listening","port":8080}"#,
                    "2026-11-30T10:00:05.2Z stderr P ERROR payment failed for request_id=c41e12a0-1111-2222-",
                    "2026-11-30T10:00:05.2Z stderr F 3333-444455556666",
                ].map { $0 + "\n" }.joined().write(toFile: log, atomically: true, encoding: .utf8)
                let tail = try WrapperProcess(
                    ["tail", "--exit-flush-timeout", "30", "--receiver", receiver.baseURL, "--no-daemon", "--from-start", "--state-dir", directory + "/state", log],
                    environment: ["TRACE_RECEIVER_SPOOL_DIR": directory + "/spool"]
                )
                let query = LogQuery(service: "api", limit: 10)
                #expect(await eventually(within: 20) { (try? await receiver.store.search(query).records.count) == 2 })
                kill(tail.processIdentifier, SIGINT)
                #expect(await tail.finish().status == 0)
                let records = try await receiver.store.search(query).records
                let failure = try #require(records.first { $0.level == .error })
                #expect(failure.message == "ERROR payment failed for request_id=c41e12a0-1111-2222-3333-444455556666", "the two parts are one line")
                #expect(failure.requestID == "c41e12a0-1111-2222-3333-444455556666")
                #expect(failure.timestamp == (try Self.micros("2026-11-30T10:00:05.2Z")))
                #expect(records.first { $0.level == .info }?.message == "listening")
            }
        }
    }
}
