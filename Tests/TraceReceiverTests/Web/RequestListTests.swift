import Foundation
import Testing

@testable import TraceReceiver

@Suite("GET /api/requests")
struct RequestListTests {
    /// A hop's completion record.
    static func hop(
        _ service: String, _ requestID: String, path: String, status: Int, durationMS: Double, secondsAgo: Double,
        now: Date, error: String? = nil
    ) -> String {
        var object: [String: Any] = [
            "service": service, "request_id": requestID, "trace_id": "t-" + requestID,
            "event": status >= 500 ? "request_failed" : "request_completed",
            "level": status >= 500 ? "error" : "info", "message": "\(path) answered \(status)",
            "duration_ms": durationMS, "timestamp": timestamp(secondsAgo: secondsAgo, from: now),
            "fields": ["method": "GET", "path": path, "status_code": status],
        ]
        if let error { object["error"] = error }
        return recordLine(object)
    }

    static func line(
        _ service: String, _ requestID: String, _ message: String, level: String = "info", source: String = "backend",
        secondsAgo: Double, now: Date
    ) -> String {
        recordLine([
            "service": service, "request_id": requestID, "message": message, "level": level, "source": source,
            "timestamp": timestamp(secondsAgo: secondsAgo, from: now),
        ])
    }

    /// r1: gateway → inventory, fine, with a line mentioning the payment. r2: inventory fails, gateway
    /// answers 502. r3: gateway alone, newest. r4: still running (one warning, no completion).
    static func seed(_ receiver: RunningReceiver) async throws {
        let now = Date()
        let lines = [
            line("gateway", "r1", "payment authorised", secondsAgo: 300.2, now: now),
            hop("inventory", "r1", path: "/reserve", status: 200, durationMS: 2, secondsAgo: 300.1, now: now),
            hop("gateway", "r1", path: "/checkout", status: 200, durationMS: 9, secondsAgo: 300, now: now),
            line("inventory", "r2", "database unavailable", level: "error", secondsAgo: 200.2, now: now),
            hop("inventory", "r2", path: "/reserve", status: 500, durationMS: 1, secondsAgo: 200.1, now: now, error: "database unavailable"),
            hop("gateway", "r2", path: "/checkout", status: 502, durationMS: 4, secondsAgo: 200, now: now),
            line("browser", "r2", "checkout failed with 502", level: "error", source: "frontend", secondsAgo: 199, now: now),
            hop("gateway", "r3", path: "/hello", status: 200, durationMS: 0.5, secondsAgo: 100, now: now),
            line("gateway", "r4", "waiting on the bank", level: "warning", secondsAgo: 50, now: now),
        ]
        let reply = try await receiver.postLogs(lines.joined(separator: "\n"))
        #expect(try reply.counts() == Counts(accepted: lines.count))
    }

    static func requests(_ receiver: RunningReceiver, _ query: String = "") async throws -> [[String: Any]] {
        let reply = try await receiver.get("/api/requests" + (query.isEmpty ? "" : "?" + query))
        #expect(reply.status == 200, "\(query): \(reply.body)")
        let object = try reply.object()
        let requests = try #require(object["requests"] as? [[String: Any]])
        #expect(object["count"] as? Int == requests.count)
        return requests
    }

    static func ids(_ receiver: RunningReceiver, _ query: String = "") async throws -> [String] {
        try await requests(receiver, query).compactMap { $0["request_id"] as? String }
    }

    @Test(arguments: StoreKind.allCases)
    func listsRequestsNewestFirstSummarisedFromEveryHop(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            try await Self.seed(receiver)
            let requests = try await Self.requests(receiver)
            #expect(requests.compactMap { $0["request_id"] as? String } == ["r3", "r2", "r1"])
            let failed = try #require(requests.first { $0["request_id"] as? String == "r2" })
            // The outermost hop (the longest) gives method, path, status and duration.
            #expect(failed["path"] as? String == "/checkout")
            #expect(failed["method"] as? String == "GET")
            #expect(failed["status"] as? Int == 502)
            #expect(failed["duration_ms"] as? Double == 4)
            #expect(failed["services"] as? [String] == ["gateway", "inventory"])
            #expect(failed["failed"] as? Bool == true)
            #expect(failed["error"] as? String == "database unavailable")
            let fine = try #require(requests.first { $0["request_id"] as? String == "r1" })
            #expect(fine["failed"] as? Bool == false)
            #expect(fine["error"] == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aFieldConditionFindsARequestByAFieldOnAnyOfItsLinesNotOnlyItsCompletions(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            try await Self.seed(receiver)
            let now = Date()
            let lines = [
                recordLine([
                    "service": "gateway", "request_id": "r5", "message": "user loaded", "fields": ["user_id": "u-42"],
                    "timestamp": timestamp(secondsAgo: 40.1, from: now),
                ]),
                Self.hop("gateway", "r5", path: "/profile", status: 200, durationMS: 3, secondsAgo: 40, now: now),
            ]
            #expect(try await receiver.postLogs(lines.joined(separator: "\n")).counts() == Counts(accepted: 2))
            let found = try await Self.requests(receiver, "field=user_id%3Du-42")
            #expect(found.compactMap { $0["request_id"] as? String } == ["r5"])
            #expect(found.first?["path"] as? String == "/profile", "summarised from its completion")
            #expect(try await Self.ids(receiver, "q=%40user_id%3Du-42") == ["r5"])
            #expect(try await Self.ids(receiver, "field=status_code%3D502") == ["r2"])
            #expect(try await Self.ids(receiver, "field=user_id%3Du-43").isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func filtersFindRequestsByAnyOfTheirRecords(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            try await Self.seed(receiver)
            // Text in a log line that is not a completion still lists the whole request.
            let paid = try await Self.requests(receiver, "q=payment")
            #expect(paid.compactMap { $0["request_id"] as? String } == ["r1"])
            #expect(paid.first?["path"] as? String == "/checkout")
            #expect(try await Self.ids(receiver, "level=error") == ["r2"])
            #expect(try await Self.ids(receiver, "level=warning") == ["r4", "r2"])
            #expect(try await Self.ids(receiver, "service=inventory") == ["r2", "r1"])
            #expect(try await Self.ids(receiver, "source=frontend") == ["r2"])
            #expect(try await Self.ids(receiver, "since=150s") == ["r3"])
            #expect(try await Self.ids(receiver, "q=nothing+like+this").isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func requestStillRunningIsListedFromItsRecords(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            try await Self.seed(receiver)
            let running = try #require(try await Self.requests(receiver, "level=warning").first)
            #expect(running["request_id"] as? String == "r4")
            #expect(running["services"] as? [String] == ["gateway"])
            #expect(running["failed"] as? Bool == false)
            #expect(running["path"] == nil)
            #expect(running["status"] == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func limitCountsRequestsNotTheirLines(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            let now = Date()
            var lines: [String] = []
            for request in 0..<30 {
                let id = "busy-\(request)"
                let start = Double(300 - request * 5)
                for index in 0..<20 {
                    lines.append(Self.line("api", id, "step \(index) of the busy request", secondsAgo: start - Double(index) * 0.01, now: now))
                }
                lines.append(Self.hop("api", id, path: "/busy", status: 200, durationMS: 1, secondsAgo: start - 0.5, now: now))
            }
            #expect(try await receiver.postLogs(lines.joined(separator: "\n")).counts() == Counts(accepted: lines.count))
            #expect(try await Self.ids(receiver, "limit=3") == ["busy-29", "busy-28", "busy-27"])
            // Filtered by text, every matching line belongs to a few requests: still 3 distinct ones.
            #expect(try await Self.ids(receiver, "q=busy&limit=3") == ["busy-29", "busy-28", "busy-27"])
            #expect(try await Self.requests(receiver).count == 30)
        }
    }

    @Test
    func groupingJoinsAHopWithoutARequestIDToTheRequestOfItsTraceAndListsTheRestByTrace() {
        func completion(_ id: Int64, _ service: String, request: String?, trace: String?, ms: Double) -> LogRecord {
            LogRecord(
                id: id, timestamp: 1_000_000 * id, service: service, event: "request_completed", message: "done",
                requestID: request, traceID: trace, durationMS: ms, fields: #"{"method":"GET","path":"/\#(service)","status_code":200}"#
            )
        }
        // Newest first, as searches answer: the OpenTelemetry hop comes before the request id of its trace is seen.
        let records = [
            completion(5, "lonely", request: nil, trace: nil, ms: 1),
            completion(4, "shop", request: nil, trace: "t2", ms: 9),
            completion(3, "inventory", request: nil, trace: "t1", ms: 5),
            completion(2, "gateway", request: "r1", trace: "t1", ms: 30),
            completion(1, "gateway", request: "r0", trace: "t0", ms: 2),
        ]
        var keys = RequestKeys()
        keys.learn(records)
        let requests = RecentRequest.grouped(records, by: keys).map(\.request)
        #expect(requests.map(\.requestID) == [nil, nil, "r1", "r0"])
        #expect(requests.map(\.traceID) == [nil, "t2", "t1", "t0"])
        #expect(requests.map(\.services) == [["lonely"], ["shop"], ["gateway", "inventory"], ["gateway"]])
        #expect(requests[2].path == "/gateway", "the outermost hop describes the request")
        let listed = String(decoding: RecentRequest.listJSON(requests[1...1]), as: UTF8.self)
        #expect(listed.hasPrefix(#"{"requests":[{"trace_id":"t2","method":"GET","path":"/shop","status":200,"duration_ms":9,"#), "\(listed)")
    }

    @Test(arguments: StoreKind.allCases)
    func aCompletionWithNeitherIDIsARequestOfItsOwnAndOtherLinesWithoutIDsAreNot(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            let now = Date()
            let lines = [
                recordLine([
                    "service": "nginx", "event": "request_failed", "level": "error", "message": "GET /pay 502", "duration_ms": 30,
                    "timestamp": timestamp(secondsAgo: 20, from: now), "fields": ["method": "GET", "path": "/pay", "status_code": 502],
                ]),
                recordLine([
                    "service": "nginx", "event": "request_completed", "message": "GET /pay 502", "duration_ms": 30,
                    "timestamp": timestamp(secondsAgo: 10, from: now), "fields": ["method": "GET", "path": "/", "status_code": 200],
                ]),
                recordLine(["service": "worker", "level": "error", "message": "disk full", "timestamp": timestamp(secondsAgo: 5, from: now)]),
            ]
            #expect(try await receiver.postLogs(lines.joined(separator: "\n")).counts() == Counts(accepted: 3))
            let requests = try await Self.requests(receiver)
            #expect(requests.map { $0["path"] as? String } == ["/", "/pay"], "two access lines, two requests")
            #expect(requests.allSatisfy { $0["request_id"] == nil && $0["trace_id"] == nil })
            #expect(requests.map { $0["failed"] as? Bool } == [false, true])
            #expect(requests.map { $0["services"] as? [String] } == [["nginx"], ["nginx"]])
            // A filter that matches a line without ids that is no completion finds no request.
            let errors = try await Self.requests(receiver, "level=error")
            #expect(errors.map { $0["path"] as? String } == ["/pay"])
        }
    }

    @Test
    func rejectsMalformedFiltersNamingTheParameter() async throws {
        try await withReceiver(configure: { $0.store = .memory }) { (receiver) async throws in
            let cases: [(String, String)] = [
                ("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"), ("level=loud", "level"),
                ("source=radio", "source"), ("since=yesterday", "since"), ("event=a%20b", "event"),
                ("event=" + Array(repeating: "e", count: 17).joined(separator: ","), "event"),
                ("request_id=r1", "request_id"), ("bogus=1", "bogus"),
            ]
            for (query, parameter) in cases {
                let reply = try await receiver.get("/api/requests?" + query)
                #expect(reply.status == 400, "\(query)")
                #expect(reply.errorCode == "invalid_parameter", "\(query)")
                #expect(reply.errorMessage?.hasPrefix(parameter + ":") == true, "\(query): \(reply.body)")
            }
            // A hostile parameter name is not echoed.
            let hostile = try await receiver.get("/api/requests?%3Cscript%3E=1")
            #expect(hostile.status == 400)
            #expect(!hostile.body.contains("<script>"))
            #expect(hostile.errorMessage?.contains("<") == false)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func logSearchFiltersByEventNames(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            try await Self.seed(receiver)
            let failed = try await receiver.search("event=request_failed").logs
            #expect(failed.compactMap { $0["request_id"] as? String } == ["r2", "r2"])
            let both = try await receiver.search("event=request_failed,request_completed&service=gateway").logs
            #expect(both.compactMap { $0["request_id"] as? String } == ["r3", "r2", "r1"])
            #expect(try await receiver.search("event=nothing_like_this").logs.isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRequestWithManyHopsDoesNotCrowdOlderRequestsOutOfTheList(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            let now = Date()
            // The newest request fanned out to 30 services: its completions alone fill the first records read.
            var lines = [
                Self.hop("gateway", "older", path: "/a", status: 200, durationMS: 1, secondsAgo: 90, now: now),
                Self.hop("gateway", "old", path: "/b", status: 200, durationMS: 1, secondsAgo: 80, now: now),
            ]
            lines += (0..<30).map { index in
                Self.hop("worker-\(index)", "fan-out", path: "/part", status: 200, durationMS: 1, secondsAgo: 10 - Double(index) / 10, now: now)
            }
            lines.append(Self.hop("gateway", "fan-out", path: "/all", status: 200, durationMS: 40, secondsAgo: 5, now: now))
            let reply = try await receiver.postLogs(lines.joined(separator: "\n"))
            #expect(try reply.counts() == Counts(accepted: lines.count))
            #expect(try await Self.ids(receiver, "limit=2") == ["fan-out", "old"])
            #expect(try await Self.ids(receiver, "limit=3") == ["fan-out", "old", "older"])
            let fanOut = try #require(try await Self.requests(receiver, "limit=1").first)
            #expect(fanOut["path"] as? String == "/all")
            #expect((fanOut["services"] as? [String])?.count == 31)
        }
    }
}
