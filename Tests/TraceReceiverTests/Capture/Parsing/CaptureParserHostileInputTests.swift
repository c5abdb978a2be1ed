import Logging
import Testing

@testable import TraceReceiver

@Suite("CaptureParsing: hostile input")
struct CaptureParsingHostileInputTests {
    @Test func invalidUTF8RepairedByTheCallerIsKept() {
        let bytes: [UInt8] = Array("ERROR bad byte ".utf8) + [0xFF, 0xC3] + Array(" here".utf8)
        let record = CaptureParsing.parse(String(decoding: bytes, as: UTF8.self))
        #expect(record.level == .error)
        #expect(record.message.contains("\u{FFFD}"))
    }

    @Test func invalidUTF8InsideJSONStillParses() {
        let bytes: [UInt8] = Array(#"{"level":"info","msg":"caf"#.utf8) + [0xE9] + Array(#""}"#.utf8)
        let record = CaptureParsing.parse(String(decoding: bytes, as: UTF8.self))
        #expect(record.message == "caf\u{FFFD}")
    }

    @Test func aOneMegabyteLineIsCutToTheLimit() {
        let line = "ERROR " + String(repeating: "é", count: 512 * 1024)
        let record = CaptureParsing.parse(line)
        #expect(record.level == .error)
        #expect(record.message.utf8.count <= CaptureParser.maximumEventBytes)
        #expect(record.message.hasSuffix("é"))
        let cut = CaptureParsing.fields(record)["truncated_bytes"] as? Int
        #expect(cut == line.utf8.count - record.message.utf8.count)
    }

    @Test func aOneMegabyteJSONLineDoesNotCrash() {
        let line = #"{"level":"info","msg":""# + String(repeating: "a", count: 1024 * 1024) + #""}"#
        let record = CaptureParsing.parse(line)
        #expect(record.source == .capture)
        #expect(CaptureParsing.fields(record)["truncated_bytes"] != nil)
    }

    @Test func deeplyNestedJSONIsPlainText() {
        let depth = 10_000
        let line = #"{"a":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        let record = CaptureParsing.parse(line)
        #expect(record.message == line)
    }

    @Test func vaporMetadataNestedTenThousandDeepOrWithManyItemsIsReadInOnePass() {
        let depth = 10_000
        let deep = "[ INFO ] x [k: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "]"
        let record = CaptureParsing.parse(deep)
        #expect(record.message.utf8.count == 1, "the message is x")
        #expect((CaptureParsing.fields(record)["k"] as? String)?.utf8.count == 2 * depth)
        // Unbalanced: the group never opens, so it is the message's text.
        let unbalanced = "[ INFO ] x k: " + String(repeating: "]", count: depth)
        #expect(CaptureParsing.parse(unbalanced).message.utf8.count == unbalanced.utf8.count - 9, "all of it after the level")
        // Items whose values hold `, `: each value runs to the next `, key: `.
        let many = "[ INFO ] y [" + (0..<2_000).map { "k\($0): , v" }.joined(separator: ", ") + "]"
        let manyRecord = CaptureParsing.parse(many)
        #expect(manyRecord.message.utf8.count == 1, "the message is y")
        let fields = CaptureParsing.fields(manyRecord)
        #expect(fields.count == 2_000)
        #expect(fields["k1999"] as? String == ", v")
    }

    @Test func aJSONArrayIsPlainText() {
        let line = #"[{"level":"error","msg":"x"}]"#
        let record = CaptureParsing.parse(line)
        #expect(record.message == line)
    }

    @Test func ansiColourCodesAreStripped() {
        let record = CaptureParsing.parse("\u{1B}[31mERROR\u{1B}[0m disk full \u{1B}]8;;http://x\u{07}link\u{1B}]8;;\u{07}")
        #expect(record.level == .error)
        #expect(record.message == "ERROR disk full link")
    }

    @Test func carriageReturnAtTheEndIsRemoved() {
        let record = CaptureParsing.parse("[2024-01-01T12:00:00Z] WARN slow\r")
        #expect(record.message == "slow")
        #expect(record.level == .warning)
    }

    @Test func emptyAndBlankLinesGiveAnEmptyInfoRecord() {
        for line in ["", "   ", "\r", "\u{1B}[0m"] {
            let record = CaptureParsing.parse(line)
            #expect(record.message == "")
            #expect(record.level == .info)
            #expect(record.timestamp == CaptureParsing.receivedAt)
        }
    }

    @Test(arguments: [
        "[", "[]", "[2024-01-01", "{", "{\"", "a=", "=b", "- - - [", "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET",
        "2024-01-01", "2024-13-45 99:99:99 INFO x", "E, [", "00-", "0190ab12-", "req:", "request_id=",
        "Traceback (most recent call last):\nX", "\n\n\n", "ERROR:", "I, [2024-01-01T12:00:00.123456 #1] INFO --",
        "fail: ", "fail: \n      x", "fail: [", "fail: []", "fail: a[", "fail: a[]\n", "fail: [1]\n  x", "warn: a[99999999999999999999]",
        "[2024-01-01T12:00:00Z ", "[2024-01-01T12:00:00Z ERROR", "[2024-01-01T12:00:00Z ERROR ]", "[2024-01-01T12:00:00Z  ]",
        "E1123 10:15:23", "E1123 10:15:23.1 ", "E1123 10:15:23.1 1", "E1123 10:15:23.1 1 ]", "E1123 10:15:23.1 1 :]",
        "E1123 10:15:23.1 1 a:1] \"", "E1123 10:15:23.1 1 a:1] \"\"", "E0000 10:15:23.1 1 a:1] x", "E9999999 10:15:23.1 1 a:1] x",
        "x  |", "x |y", " | ", "[2024-05-01 12:00:00: ", "[2024-05-01 12:00:00: /]", "[2024-05-01 12:00:00: ERROR/]", "[: ERROR/x]",
        "2024-05-01 12:00:00 [1] LOG:", "2024-05-01 12:00:00 LOG: ",
        "⨯", "⨯ ", " ⚠ ", "⨯ \n    at x",         ": error: ", "1: error: x", ":1: error: ", "(): error TS1", "(,): error TS1", "a(1,2): error TS", ") : warning: ",
        "2024-05-01T12:00:00+0000 info a : [", "2024-05-01T12:00:00+0000 info a : []", "2024-05-01T12:00:00+0000 info a : [A]",
        "2024-05-01T12:00:00+0000 info a : k= [A]", "2024-05-01T12:00:00+0000 info a : =v [A] m", "2024-05-01T12:00:00+0000 info a : k=v k2= [A] ",
        "2024-05-01T12:00:00+0000 info a:", "2024-05-01T12:00:00+0000 info a: [", "2024-05-01T12:00:00+0000 info :: [A]", "2024-05-01T12:00:00+0000 info a: k= [A]",
        "[Nest]", "[Nest] 1", "[Nest] 1  -", "[Nest] 1  - ", "[Nest] 1  - 11/30/2026, ", "[Nest] 1  - 11/30/2026, 1:0", "[Nest] 1  - 11/30/2026, 1:00:00\u{E2}",
        "[Nest] 1  - 13/45/2026, 1:00:00 AM LOG x", "[Nest] 1  - 11/30/2026, 0:00:00 AM LOG x", "[Nest] 1  - LOG", "[Nest] 1  -  LOG [", "[] 1  - LOG x", "[Nest] 1  - LOG x +ms", "[Nest] 1  - LOG +1ms",
        "2024-05-01T12:00:00Z  INFO a{", "2024-05-01T12:00:00Z  INFO a{}", "2024-05-01T12:00:00Z  INFO a{}:", "2024-05-01T12:00:00Z  INFO a{}: ",
        "2024-05-01T12:00:00Z  INFO a{{}: b::c: m", "2024-05-01T12:00:00Z  INFO a::: m", "2024-05-01T12:00:00Z  INFO a::b: m x=\"", "2024-05-01T12:00:00Z  INFO a::b: m =",
        "2024-05-01T12:00:00Z  INFO a::b: \" x=\"\"", "2024-05-01T12:00:00Z  INFO a::b:  =x", "2024-05-01T12:00:00Z  INFO a{x=\"}\"}: b::c: m k=v",
        "1:M", "1:M ", "1:M 30 Nov", "1:M 30 Nov 2026 09:00:00.123", "1:M 30 Nov 2026 09:00:00.123 ", "1:M 30 Nov 2026 09:00:00.123 *", "1:M 31 Feb 2026 09:00:00 * x", ":M 30 Nov 2026 09:00:00 * x",
        "2026-11-30T09:00:02Z 0 [Warning] [MY-", "2026-11-30T09:00:02Z 0 [Warning] [MY-]", "2026-11-30T09:00:02Z 0 [Warning] [MY-1] [", "2026-11-30T09:00:02Z 0 [ERROR] [MY-1]",
        "1 [", "1 [1", "1 [1]", "1 [1] ", "1 [1] E", "1 [1] ERROR", "1 [1] ERROR:", "1 [1] ERROR:\n1 [1] DETAIL:", "1 [1] ERROR: x\n1 [1] DETAIL:\n\t",
        "1 [1] ERROR: x\n\ty\n1 [1] HINT: z", "1 [] ERROR: x", "[1] ERROR: x",
        "✘", "✘ ", "􀢄", "Test Case '", "Test Case '' failed ", "Test Suite ' failed",
        #"{"msg":"m","request":{"headers":{"X-Request-Id":["#, #"{"msg":"m","request":{"headers":{"X-Request-Id":[""]}}}"#, #"{"msg":"m","service":{}}"#,
        #"{"msg":"m","log":{"level":null},"trace":{"id":null},"span":{"id":{}}}"#,
        "[ INFO ] x [", "[ INFO ] x ]", "[ INFO ] x [k:", "[ INFO ] x [k: ]", "[ INFO ] x [: ]", "[ INFO ] x [k: v,", "[ INFO ] x [k: v, ]", "[ INFO ] x (", "[ INFO ] x ()",
        "[ INFO ] x (:1)", "[ INFO ] (a:1)", "[ INFO ] x [k: v] (", "[ INFO ] x [k: v](a:1)", "[ INFO ]  [k: v] (a:1)",
        "[ a ] [", "[ a ] [ INFO", "[ a ] [ INFO ]", "[ a ]  [ INFO ] x", "[ a ][ INFO ] x", "[  ] [ INFO ] x", "[ ] [ INFO ] x",
        "2026-11-30T10:20:01+0000 [", "2026-11-30T10:20:01+0000 [ ", "2026-11-30T10:20:01+0000 [ INFO ]", "2026-11-30T10:20:01+0000 [ a ] [ INFO",
        "2026-11-30T10:00:05Z stdout P", "2026-11-30T10:00:05Z stderr F ", #"{"log":""#, #"{"log":"\n","stream":"stdout","time":"2026-11-30T10:00:05Z"}"#,
        "A::B (", "A::B ()", "A::B (x", "A::B (x):\n", "A::B (x):\n  \n", "A::B (x):\na:1:in", "A::B (x):\na:1:in '", "[x] A::B (x)", "AError (x)",
        "[GIN] ", "[GIN] |", "[GIN] | 200 |", "[GIN] | 200 | 1µs | x |", "[GIN] | 200 | µs | x | GET \"", "[GIN] | 200 | 1e999s | x | GET \"/\"",
        "GET / 200 ", "GET / 200 in", "GET / 200 in ms", "GET / 200 1e999 ms", "GET / 200 nan ms", "\"", "\"\"", "\"GET / HTTP/1.1\"", "\"GET / HTTP/1.1\" ",
        "Completed ", "Completed 500", "Completed 500 in", "Completed 500 in ms", "Completed 500 in 1e999ms", "[] Completed 200 in 1ms", "[", "[x]",
        "Started ", "Started GET", #"Started GET ""#, #"Started GET "" for"#, "Request finished ", "Request finished in", "Request finished in 1ms",
        "Request finished HTTP/1.1 GET :// - 200 - - 1ms", "Request finished HTTP/1.1 GET http:// - 200", "a - \"", #"a - "GET"#, #"a - "GET / HTTP/1.1""#,
        #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-" rt"#, #"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "-" rt=1e999"#,
    ])
    func truncatedShapesDoNotCrash(line: String) {
        let record = CaptureParsing.parse(line)
        #expect(record.source == .capture)
    }
}
