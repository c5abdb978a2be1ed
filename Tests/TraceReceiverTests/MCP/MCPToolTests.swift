import Foundation
import MCP
import Testing

@testable import TraceReceiver

@Suite("MCP tools: observe, trace, recent_requests")
struct MCPToolTests {
    @Test func listsThreeReadOnlyToolsWithSchemasAgentsCanFollow() throws {
        let tools = ToolCatalog.all
        #expect(tools.map(\.name) == ["observe", "trace", "recent_requests"])
        for tool in tools {
            #expect(tool.annotations.readOnlyHint == true, "\(tool.name)")
            #expect(tool.inputSchema.objectValue?["additionalProperties"] == .bool(false), "\(tool.name)")
            #expect((tool.description ?? "").contains("Example:"), "\(tool.name)")
        }
        let observe = try #require(tools.first?.inputSchema.objectValue)
        #expect(observe["required"] == ["what"])
        let properties = try #require(observe["properties"]?.objectValue)
        #expect(Set(properties.keys) == ["what", "request_id", "service", "level", "since", "text", "fields", "limit"])
        #expect(properties["what"]?.objectValue?["enum"] == ["backend-logs", "frontend-logs", "errors", "timeline"])
        #expect(properties["limit"]?.objectValue?["default"] == 50)
        #expect(properties["limit"]?.objectValue?["maximum"] == 1000)
        #expect(properties["level"]?.objectValue?["enum"]?.arrayValue?.count == 7)
    }

    @Test(arguments: ToolSourceKind.allCases)
    func backendLogsHoldServerAndCapturedRecordsNewestFirstButNoBrowserReports(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            try await MCPFixture.seed(receiver)
            let result = try await kind.tools(for: receiver).call("observe", arguments: ["what": "backend-logs"])
            #expect(result.isError == false, "\(result.text)")
            let answer = try result.object()
            #expect(answer["type"] as? String == "backend-logs")
            #expect(answer["totalCount"] as? Int == 7)
            #expect(answer["oldestTimestamp"] is String)
            let logs = try result.logs()
            #expect(logs.count == 7)
            #expect(logs.first?["service"] as? String == "worker", "the captured line is the newest")
            #expect(logs.first?["source"] as? String == "capture")
            #expect(!logs.contains { $0["source"] as? String == "frontend" })
            let times = logs.compactMap { $0["timestamp"] as? String }
            #expect(times == times.sorted(by: >), "newest first")
            let failed = try #require(logs.first { $0["service"] as? String == "inventory" && $0["event"] as? String == "request_failed" })
            #expect(failed["error_type"] as? String == "OutOfStock", "records keep the DESIGN.md shape")
            #expect((failed["fields"] as? [String: Any])?["status_code"] as? Int == 500)
        }
    }

    @Test(arguments: ToolSourceKind.allCases)
    func frontendLogsAreTheBrowsersReports(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            try await MCPFixture.seed(receiver)
            let logs = try await kind.tools(for: receiver).call("observe", arguments: ["what": "frontend-logs"]).logs()
            #expect(logs.count == 1)
            #expect(logs.first?["message"] as? String == "checkout failed: 500")
            #expect(logs.first?["request_id"] as? String == MCPFixture.failingRequest)
        }
    }

    @Test(arguments: ToolSourceKind.allCases)
    func errorsComeFromEverySourceAtErrorLevelOrAbove(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            try await MCPFixture.seed(receiver)
            let tools = kind.tools(for: receiver)
            let result = try await tools.call("observe", arguments: ["what": "errors"])
            let answer = try result.object()
            #expect(answer["type"] as? String == "errors")
            let logs = try result.logs()
            #expect(logs.count == 3, "\(logs)")
            #expect(logs.allSatisfy { $0["level"] as? String == "error" })
            #expect(Set(logs.compactMap { $0["source"] as? String }) == ["backend", "frontend"])
            // A lower `level` never widens errors; a higher one narrows them.
            #expect(try await tools.call("observe", arguments: ["what": "errors", "level": "debug"]).logs().count == 3)
            #expect(try await tools.call("observe", arguments: ["what": "errors", "level": "critical"]).logs().isEmpty)
        }
    }

    @Test(arguments: ToolSourceKind.allCases)
    func timelineOfARequestMergesBrowserAndBothServicesOldestFirst(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            try await MCPFixture.seed(receiver)
            let tools = kind.tools(for: receiver)
            let result = try await tools.call("observe", arguments: ["what": "timeline", "request_id": .string(MCPFixture.failingRequest)])
            let answer = try result.object()
            #expect(answer["type"] as? String == "timeline")
            #expect(answer["totalCount"] as? Int == 5)
            let logs = try result.logs()
            #expect(logs.map { $0["service"] as? String ?? "?" } == ["gateway", "inventory", "inventory", "gateway", "frontend"])
            #expect(answer["oldestTimestamp"] as? String == logs.first?["timestamp"] as? String)
            // The trace id finds the same timeline.
            let byTrace = try await tools.call("observe", arguments: ["what": "timeline", "request_id": .string(MCPFixture.traceID)]).logs()
            #expect(byTrace.count == 5, "widened through the request id to the browser's report: \(byTrace)")
            // Filters narrow the timeline.
            let inventoryErrors = try await tools.call(
                "observe", arguments: ["what": "timeline", "request_id": .string(MCPFixture.failingRequest), "service": "inventory", "level": "error"]
            )
            #expect(try inventoryErrors.logs().map { $0["event"] as? String } == ["request_failed"])
            // Without a request id: the latest records of every source, oldest first.
            let everything = try await tools.call("observe", arguments: ["what": "timeline", "limit": 3]).logs()
            #expect(everything.map { $0["message"] as? String ?? "?" } == ["request completed", "request completed", "queue is slow"])
            // Nothing matches: an empty answer, not an error.
            let none = try await tools.call("observe", arguments: ["what": "timeline", "request_id": "no-such-request"])
            #expect(none.isError == false)
            #expect(try none.object()["totalCount"] as? Int == 0)
        }
    }

    @Test(arguments: ToolSourceKind.allCases)
    func filtersServiceLevelSinceAndLimitNarrowTheAnswer(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            try await MCPFixture.seed(receiver)
            let tools = kind.tools(for: receiver)
            let limited = try await tools.call("observe", arguments: ["what": "backend-logs", "service": "gateway", "limit": 2])
            #expect(try limited.logs().count == 2)
            #expect(try limited.object()["totalCount"] as? Int == 4, "totalCount counts past the limit")
            #expect(try limited.logs().allSatisfy { $0["service"] as? String == "gateway" })
            let warnings = try await tools.call("observe", arguments: ["what": "backend-logs", "level": "warn"]).logs()
            #expect(Set(warnings.compactMap { $0["level"] as? String }) == ["warning", "error"])
            #expect(warnings.count == 3)
            let byRequest = try await tools.call(
                "observe", arguments: ["what": "backend-logs", "request_id": .string(MCPFixture.slowRequest)]
            ).logs()
            #expect(byRequest.count == 1)
            let future = try await tools.call("observe", arguments: ["what": "backend-logs", "since": "2099-01-01T00:00:00Z"])
            #expect(try future.logs().isEmpty)
            #expect(try future.object()["oldestTimestamp"] == nil)
            let recent = try await tools.call("observe", arguments: ["what": "backend-logs", "since": "1h"]).logs()
            #expect(recent.count == 7)
        }
    }

    @Test(arguments: ToolSourceKind.allCases)
    func fieldsNarrowTheAnswerToRecordsHoldingThoseValues(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            let body = [
                #"{"service":"api","level":"error","message":"pod 1 failed","fields":{"pod":"shop-1","status_code":500,"retried":true}}"#,
                #"{"service":"api","level":"error","message":"pod 2 failed","fields":{"pod":"shop-2","status_code":500}}"#,
                #"{"service":"api","level":"info","message":"pod 1 fine","fields":{"pod":"shop-1","status_code":200}}"#,
            ]
            #expect(try await receiver.postLogs(body.joined(separator: "\n")).counts() == Counts(accepted: 3))
            let tools = kind.tools(for: receiver)
            let errors = try await tools.call("observe", arguments: ["what": "errors", "fields": .object(["pod": "shop-1", "status_code": 500])])
            #expect(try errors.logs().compactMap { $0["message"] as? String } == ["pod 1 failed"], "\(errors.text)")
            let retried = try await tools.call("observe", arguments: ["what": "backend-logs", "fields": .object(["retried": true])])
            #expect(try retried.logs().compactMap { $0["message"] as? String } == ["pod 1 failed"], "\(retried.text)")
        }
    }

    @Test(arguments: ToolSourceKind.allCases)
    func textNarrowsTheAnswerToRecordsHoldingItsWordsAndItsAtWordsToFields(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            let body = [
                #"{"service":"api","level":"error","message":"charge failed: card declined","fields":{"pod":"shop-1"}}"#,
                #"{"service":"api","level":"error","message":"charge failed: card declined","fields":{"pod":"shop-2"}}"#,
                #"{"service":"api","level":"error","message":"charge failed: bank timeout","fields":{"pod":"shop-1"}}"#,
            ]
            #expect(try await receiver.postLogs(body.joined(separator: "\n")).counts() == Counts(accepted: 3))
            let tools = kind.tools(for: receiver)
            let declined = try await tools.call("observe", arguments: ["what": "errors", "text": "Card DECLINED"])
            #expect(try declined.logs().count == 2, "\(declined.text)")
            let onePod = try await tools.call("observe", arguments: ["what": "backend-logs", "text": "declined @pod=shop-2"])
            #expect(try onePod.logs().compactMap { ($0["fields"] as? [String: Any])?["pod"] as? String } == ["shop-2"], "\(onePod.text)")
            let both = try await tools.call("observe", arguments: ["what": "errors", "text": "charge", "fields": .object(["pod": "shop-1"])])
            #expect(try both.logs().count == 2, "\(both.text)")
            let none = try await tools.call("observe", arguments: ["what": "errors", "text": "refund"])
            #expect(try none.logs().isEmpty)
        }
    }

    /// Field conditions an agent may get wrong, and what the answer says.
    static let badFields: [([String: Value], String)] = [
        (["what": "errors", "fields": "pod=1"], "argument 'fields' must be an object"),
        (["what": "errors", "fields": .object(["bad key": "1"])], "argument 'fields' must be an object of up to 8 field names"),
        (["what": "errors", "fields": .object(["pod": .object(["nested": 1])])], "argument 'fields' must be an object of up to 8 field names"),
        (["what": "errors", "text": .string("@" + String(repeating: "k", count: 65) + "=1")], "argument 'text' must be at most 1000 characters of words"),
        (["what": "errors", "text": .string(String(repeating: "w ", count: 501))], "argument 'text' must be at most 1000 characters"),
        (["what": "errors", "text": 5], "argument 'text' must be a string"),
        (
            ["what": "errors", "text": "@a=1 @b=2", "fields": .object(Dictionary(uniqueKeysWithValues: (0..<7).map { ("k\($0)", Value.int($0)) }))],
            "argument 'fields' must be at most 8 conditions, with the @key=value words of 'text'"
        ),
    ]

    @Test(arguments: badFields + [
        (["what": "everything"] as [String: Value], "it must be one of: backend-logs, frontend-logs, errors, timeline"),
        ([:], "missing required argument 'what'"),
        (["what": 3], "argument 'what' must be a string"),
        (["what": "errors", "limit": 0], "it must be a whole number from 1 to 1000"),
        (["what": "errors", "limit": 5000], "it must be a whole number from 1 to 1000"),
        (["what": "errors", "limit": "many"], "argument 'limit' must be a whole number"),
        (["what": "errors", "level": "loud"], "argument 'level' is 'loud'; it must be one of: trace, debug"),
        (["what": "errors", "since": "yesterday"], "expected a span back from now like 30s"),
        (["what": "errors", "serivce": "gateway"], "unknown argument(s) 'serivce'"),
        (["what": "timeline", "request_id": "two words"], "argument 'request_id' must be 1–128 characters"),
    ])
    func badObserveArgumentsAnswerAToolErrorSayingWhatIsWrong(_ arguments: [String: Value], _ message: String) async throws {
        let tools = ObservationTools(source: StoreObservationSource(store: MemoryLogStore(), assembler: TraceAssembler(store: MemoryLogStore(), window: 0)))
        let result = try await tools.call("observe", arguments: arguments)
        #expect(result.isError == true)
        #expect(result.text.contains(message), "\(result.text)")
        #expect(result.text.hasPrefix("invalid arguments for observe: "))
    }

    @Test func anUnknownToolIsAProtocolError() async throws {
        let tools = ObservationTools(source: StoreObservationSource(store: MemoryLogStore(), assembler: TraceAssembler(store: MemoryLogStore(), window: 0)))
        await #expect(throws: MCPError.self) { try await tools.call("obsrve", arguments: [:]) }
    }

    @Test func anUnreachableReceiverIsAToolErrorNotACrash() async throws {
        let tools = ObservationTools(source: RemoteObservationSource(api: HTTPReceiverAPI(baseURL: "http://127.0.0.1:1", timeout: .seconds(2))))
        let result = try await tools.call("observe", arguments: ["what": "errors"])
        #expect(result.isError == true)
        #expect(result.text.contains("observe failed"), "\(result.text)")
    }

    @Test(arguments: ToolSourceKind.allCases)
    func traceTextEscapesSendersControlCharactersSoNoRecordForgesALine(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            try await ReadableOutputTests.seedHostileRequest(receiver)
            let result = try await kind.tools(for: receiver).call("trace", arguments: ["request_id": "cli-hostile-1"])
            #expect(result.isError == false, "\(result.text)")
            #expect(ReadableOutputTests.controls(in: result.text).isEmpty, "\(result.text.debugDescription)")
            let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
            // Header (2), "timeline", one line per record (3), "spans:", the two spans.
            let expectedLineCount = 9
            #expect(lines.count == expectedLineCount, "\(result.text)")
            #expect(lines[1].contains("services evil\\u001B[2Jsvc → a-service-name-longer-than-its-column → worker\\u000Aforged line"))
            let firstRecord = #"evil\u001B[2Jsvc info ev\u001B[31mred: first\u000DOVERWRITTEN error=boom\u0007"#
            #expect(lines.contains { line in line.contains(firstRecord) }, "\(result.text)")
        }
    }

    @Test(arguments: ToolSourceKind.allCases)
    func aTraceTooLongForOneTimelineSaysSoUnderItsSummary(_ kind: ToolSourceKind) async throws {
        try await withReceiver(configure: { $0.traceTimelineLimit = 200 }) { receiver in
            let lines = (0..<250).map { index in
                recordLine(["timestamp": timestamp(secondsAgo: 60 - Double(index) / 1000), "service": "worker", "request_id": "mcp-long-1", "message": "step \(index)"])
            }
            #expect(try await receiver.postLogs(lines.joined(separator: "\n")).counts() == Counts(accepted: 250))
            let result = try await kind.tools(for: receiver).call("trace", arguments: ["request_id": "mcp-long-1"])
            #expect(result.isError == false, "\(result.text.prefix(300))")
            let text = result.text.split(separator: "\n").map(String.init)
            #expect(text.count > 3 && text[2] == truncatedTimelineNote, "\(text.prefix(4))")
            #expect(text.last?.hasSuffix("step 249") == true, "the newest record is there")
        }
    }

    @Test(arguments: ToolSourceKind.allCases)
    func traceIsCompactTextWithEveryRecordAndTheSpanTree(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            try await MCPFixture.seed(receiver)
            let tools = kind.tools(for: receiver)
            let result = try await tools.call("trace", arguments: ["request_id": .string(MCPFixture.failingRequest)])
            #expect(result.isError == false, "\(result.text)")
            let lines = result.text.split(separator: "\n").map(String.init)
            #expect(lines[0] == "request \(MCPFixture.failingRequest)  trace \(MCPFixture.traceID)")
            #expect(lines[1].contains("services gateway → inventory → frontend") && lines[1].contains("3 error(s)"), "\(lines[1])")
            #expect(lines[2] == "timeline (offset from start):")
            #expect(lines[3].hasPrefix("  +0.0ms gateway debug request_received: GET /api/checkout"), "\(lines[3])")
            #expect(
                lines.contains {
                    $0.contains("inventory error request_failed: request failed {GET /api/reserve → 500} [20.0 ms] error=OutOfStock: item 42 is out of stock")
                },
                "\(result.text)"
            )
            #expect(lines.contains { $0.contains("frontend error (frontend) checkout failed: 500") }, "\(result.text)")
            let spans = try #require(lines.firstIndex(of: "spans:"))
            #expect(Array(lines[(spans + 1)...]) == ["  gateway GET /api/checkout 50.0 ms ERROR", "    inventory GET /api/reserve 20.0 ms ERROR"])
        }
    }

    @Test(arguments: ToolSourceKind.allCases)
    func traceOfAnUnknownOrMissingIDIsAToolError(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            let tools = kind.tools(for: receiver)
            let unknown = try await tools.call("trace", arguments: ["request_id": "no-such-request"])
            #expect(unknown.isError == true)
            #expect(unknown.text.contains("no records for request or trace id no-such-request"))
            let missing = try await tools.call("trace", arguments: [:])
            #expect(missing.isError == true)
            #expect(missing.text.contains("missing required argument 'request_id'"))
        }
    }

    @Test(arguments: ToolSourceKind.allCases)
    func recentRequestsListFailedFirstThenSlowestWithTheirServices(_ kind: ToolSourceKind) async throws {
        try await withReceiver { receiver in
            try await MCPFixture.seed(receiver)
            let tools = kind.tools(for: receiver)
            let result = try await tools.call("recent_requests", arguments: [:])
            #expect(result.isError == false, "\(result.text)")
            let requests = try #require(try result.object()["requests"] as? [[String: Any]])
            #expect(requests.map { $0["request_id"] as? String } == [MCPFixture.failingRequest, MCPFixture.slowRequest, MCPFixture.fastRequest])
            let failed = requests[0]
            #expect(failed["failed"] as? Bool == true)
            #expect(failed["method"] as? String == "GET")
            #expect(failed["path"] as? String == "/api/checkout", "the outermost hop describes the request")
            #expect(failed["status"] as? Int == 500)
            #expect(failed["duration_ms"] as? Double == 50)
            #expect(failed["services"] as? [String] == ["gateway", "inventory"])
            #expect(failed["trace_id"] as? String == MCPFixture.traceID)
            #expect(failed["error"] as? String == "inventory answered 500")
            #expect(requests[1]["failed"] as? Bool == false)
            #expect(try result.object()["count"] as? Int == 3)
            // Filters find requests by any of their records, as the web page's list does; each is still the whole request.
            let one = try await tools.call("recent_requests", arguments: ["limit": 1, "service": "inventory"])
            let only = try #require(try one.object()["requests"] as? [[String: Any]])
            #expect(only.map { $0["request_id"] as? String } == [MCPFixture.failingRequest])
            #expect(only.map { $0["path"] as? String } == ["/api/checkout"])
            for arguments: [String: Value] in [["text": "stock"], ["level": "error"], ["fields": ["status_code": 500]], ["text": "@status_code=500"]] {
                let found = try await tools.call("recent_requests", arguments: arguments)
                #expect(found.isError == false, "\(arguments): \(found.text)")
                let listed = try #require(try found.object()["requests"] as? [[String: Any]])
                #expect(listed.map { $0["request_id"] as? String } == [MCPFixture.failingRequest], "\(arguments)")
            }
            let quiet = try await tools.call("recent_requests", arguments: ["text": "nothing like this"])
            #expect(try quiet.object()["count"] as? Int == 0)
            let none = try await tools.call("recent_requests", arguments: ["since": "2099-01-01T00:00:00Z"])
            #expect(try none.object()["count"] as? Int == 0)
            let bad = try await tools.call("recent_requests", arguments: ["limit": 201])
            #expect(bad.isError == true)
            #expect(bad.text.contains("from 1 to 200"))
            for (arguments, complaint) in [
                (["text": .string(String(repeating: "w", count: 1001))], "text"), (["level": "loud"], "level"),
                (["fields": ["a": "1", "b": "2", "c": "3", "d": "4", "e": "5", "f": "6", "g": "7", "h": "8", "i": "9"]], "fields"),
                (["request_id": "r1"], "request_id"),
            ] as [([String: Value], String)] {
                let refused = try await tools.call("recent_requests", arguments: arguments)
                #expect(refused.isError == true, "\(arguments)")
                #expect(refused.text.contains(complaint), "\(arguments): \(refused.text)")
            }
        }
    }
}
