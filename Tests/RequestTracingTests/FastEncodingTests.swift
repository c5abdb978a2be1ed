import Foundation
import Logging
import Testing
@testable import RequestTracing

/// The optimised encoding paths: bulk escaping, buffer growth, SWAR hex, and the middleware's typed
/// `request_completed` record, each checked against a plain reference.
struct FastEncodingTests {
    private func written(_ body: (inout JSONWriter) -> Void) -> String {
        JSONWriter.withTemporaryWriter { writer in
            body(&writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
    }

    /// Escaping one scalar at a time, for comparison.
    private func referenceEscaped(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            case _ where scalar.value < 0x20:
                out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    // Every character that starts with byte E2 is looked at on its own; only U+2028/U+2029 are escaped
    // (U+2027, U+202A and the dash are their neighbours, which pass unchanged).
    @Test(arguments: [
        "\"", "\\", "\n", "\u{0}", "\u{1F}", "\u{2028}", "\u{2029}", "\u{2027}", "\u{202A}", "—", "é", "€", "😀", "\u{7F}",
    ])
    func escapesASpecialCharacterAtEveryPositionOfALongASCIIRun(_ special: String) {
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 40] {
            for position in 0...length {
                let plain = String(repeating: "a", count: length)
                var text = plain
                text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: position))
                #expect(written { $0.string(text) } == referenceEscaped(text), "length \(length) at \(position)")
            }
        }
    }

    @Test func escapesEveryASCIIByteAndMixedTextLikeTheReference() {
        let allASCII = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        #expect(written { $0.string(allASCII) } == referenceEscaped(allASCII))
        let mixed = "path=/a\"b\\c\u{2028}日本語\t€\u{2029}" + String(repeating: "xy", count: 30) + "\u{1}"
        #expect(written { $0.string(mixed) } == referenceEscaped(mixed))
    }

    @Test func growsPastItsStackBufferWithoutLosingBytes() {
        let long = String(repeating: "0123456789\"", count: 500)  // escapes to 6,000 bytes
        let text = written { $0.string(long) }
        #expect(text == referenceEscaped(long))
        var heap = JSONWriter(capacity: 1)
        heap.string(long)
        #expect(String(decoding: heap.bytes, as: UTF8.self) == text)
    }

    @Test(arguments: [0, 1, 0x9, 0xA, 0xF, 0x00f0_67aa_0ba9_02b7, 0x4bf9_2f35_77b3_4da6, UInt64.max, 0x0123_4567_89ab_cdef])
    func writesSixteenHexDigitsLikeStringRadix(_ value: UInt64) {
        let expected = String(repeating: "0", count: 16 - String(value, radix: 16).count) + String(value, radix: 16)
        #expect(written { $0.hex(value, digits: 16) } == expected)
        #expect(Hex.string(value, digits: 16) == expected)
    }

    @Test func writesLongLinesLargerThanTheStackBufferThroughTheHandler() throws {
        let sink = InMemoryLogSink()
        let message = String(repeating: "long ", count: 1000)
        makeTestLogger(sink: sink).info("\(message)", metadata: ["big": .string(message)])
        let record = try onlyRecord(sink)
        #expect(record["message"] as? String == message)
        #expect((record["fields"] as? [String: Any])?["big"] as? String == message)
    }

    // MARK: request_completed fast path

    /// A record's JSON text with the `fields` object's members sorted, so that two lines whose fields
    /// were written in different orders (dictionary order vs the fast path's fixed order) compare equal
    /// exactly when every other byte is the same.
    private func canonical(_ line: String) throws -> String {
        let marker = ",\"fields\":{"
        let range = try #require(line.range(of: marker))
        #expect(line.hasSuffix("}}"))
        let members = try splitMembers(String(line[range.upperBound..<line.index(line.endIndex, offsetBy: -2)]))
        return String(line[..<range.upperBound]) + members.sorted().joined(separator: ",") + "}}"
    }

    /// Splits `"a":1,"b":"x,y"` at top-level commas (commas inside strings are kept).
    private func splitMembers(_ text: String) throws -> [String] {
        var members: [String] = []
        var current = ""
        var inString = false
        var escaped = false
        for character in text {
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "," {
                members.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        members.append(current)
        return members
    }

    /// Logs one request both ways with the same clock-independent parts and returns both lines with the
    /// timestamp blanked.
    private func bothWays(
        method: String,
        path: String,
        status: Int,
        duration: Double,
        level: Logger.Level = .info,
        context: RequestTraceContext?
    ) throws -> (fast: String, general: String) {
        let fastSink = InMemoryLogSink()
        let generalSink = InMemoryLogSink()
        var fast = StructuredLogHandler(label: "t", service: "gate\"way", sink: fastSink, logLevel: .trace, metadataProvider: nil)
        fast[metadataKey: "hb.request.id"] = "hummingbird-id"
        var general = Logger(label: "t") { _ in
            StructuredLogHandler(label: "t", service: "gate\"way", sink: generalSink, logLevel: .trace, metadataProvider: nil)
        }
        general[metadataKey: "hb.request.id"] = "hummingbird-id"
        let run = {
            #expect(fast.logRequestCompleted(level: level, method: method, path: path, statusCode: status, durationMS: duration))
            general.log(
                level: level,
                "\(method) \(path) \(status)",
                metadata: [
                    "event": "request_completed", "method": .string(method), "path": .string(path),
                    "status_code": .stringConvertible(status), "duration_ms": .stringConvertible(duration),
                ]
            )
        }
        if let context { context.withBound(run) } else { run() }
        let blank = { (line: String) -> String in
            let timestamp = #/"timestamp":"[^"]*"/#
            return line.replacing(timestamp, with: "\"timestamp\":\"T\"")
        }
        return (blank(try #require(fastSink.lines.first)), blank(try #require(generalSink.lines.first)))
    }

    @Test(arguments: [
        ("GET", "/api/hello", 200, 0.123),
        ("POST", "/api/pay", 404, 12.5),
        ("DELETE", "/a,b/\"quoted\"/\u{2028}/€/\\", 301, 0),
        ("GET", "", 204, 1234567.891),
        ("PATCH", "/" + String(repeating: "x", count: 2000), 200, 0.0004),
    ] as [(String, String, Int, Double)])
    func fastPathWritesTheSameRecordAsTheGeneralPath(_ method: String, _ path: String, _ status: Int, _ duration: Double) throws {
        let child = RequestTraceContext(incomingRequestID: "req-1", traceparent: W3CExample.traceparent, tracestate: nil)
        for context in [child, .newRoot(requestID: "root-1"), nil] as [RequestTraceContext?] {
            let (fast, general) = try bothWays(method: method, path: path, status: status, duration: duration, context: context)
            #expect(try canonical(fast) == canonical(general))
            _ = try parseRecord(fast)
        }
    }

    @Test func fastPathKeepsTheLevel() throws {
        let (fast, general) = try bothWays(method: "GET", path: "/", status: 200, duration: 1, level: .notice, context: nil)
        #expect(try canonical(fast) == canonical(general))
        #expect(fast.contains("\"level\":\"notice\""))
    }

    @Test func fastPathDeclinesWhenOtherMetadataWouldAppear() {
        let sink = InMemoryLogSink()
        var withMetadata = StructuredLogHandler(label: "t", service: "s", sink: sink, metadataProvider: nil)
        withMetadata[metadataKey: "tenant"] = "acme"
        #expect(!withMetadata.logRequestCompleted(level: .info, method: "GET", path: "/", statusCode: 200, durationMS: 1))
        let provider = Logger.MetadataProvider { ["tenant": "acme"] }
        let withProvider = StructuredLogHandler(label: "t", service: "s", sink: sink, metadataProvider: provider)
        #expect(!withProvider.logRequestCompleted(level: .info, method: "GET", path: "/", statusCode: 200, durationMS: 1))
        let console = StructuredLogHandler(label: "t", service: "s", format: .console(colour: false), sink: sink, metadataProvider: nil)
        #expect(!console.logRequestCompleted(level: .info, method: "GET", path: "/", statusCode: 200, durationMS: 1))
        #expect(sink.lines.isEmpty)
        let emptyProvider = Logger.MetadataProvider { [:] }
        let quiet = StructuredLogHandler(label: "t", service: "s", sink: sink, metadataProvider: emptyProvider)
        #expect(quiet.logRequestCompleted(level: .info, method: "GET", path: "/", statusCode: 200, durationMS: 1))
        #expect(sink.lines.count == 1)
    }

    // MARK: Sink byte path

    @Test func fileDescriptorSinkWritesLinesHandedOverAsBytes() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let sink = FileDescriptorLogSink(fileDescriptor: fds[1])
        let logger = Logger(label: "t") { StructuredLogHandler(label: $0, service: "svc", sink: sink, metadataProvider: nil) }
        logger.info("one", metadata: ["k": "v"])
        sink.write(Array("{\"raw\":true}\n".utf8))
        sink.flush()
        close(fds[1])
        let data = FileHandle(fileDescriptor: fds[0]).readDataToEndOfFile()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(try parseRecord(lines[0])["message"] as? String == "one")
        #expect(lines[1] == "{\"raw\":true}")
    }

    @Test func defaultByteWriteCopiesIntoTheArrayWrite() {
        let sink = RawLogSink()
        let bytes: [UInt8] = Array("{\"a\":1}\n".utf8)
        bytes.withUnsafeBytes { sink.write(bytes: $0) }
        #expect(sink.lines == [bytes])
    }
}
