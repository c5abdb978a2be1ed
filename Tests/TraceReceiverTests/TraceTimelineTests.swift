import Foundation
import Testing

@testable import TraceReceiver

@Suite("GET /api/debug/trace/{id} and /buffers/timeline")
struct TraceTimelineTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let gatewaySpan = "00f067aa0ba902b7"
    static let reserveSpan = "1111111111111111"
    static let inventorySpan = "2222222222222222"

    /// A checkout: the browser, the gateway and inventory (sharing the trace id; inventory has its own
    /// request id), plus browser reports without ids: one matching by path, two that must not match.
    static func seed(_ receiver: RunningReceiver) async throws {
        let start = Date().addingTimeInterval(-60)
        func at(_ ms: Double) -> String { timestamp(secondsAgo: -ms / 1000, from: start) }
        let gateway: [String: Any] = ["service": "gateway", "trace_id": traceID, "request_id": "checkout-1"]
        let inventory: [String: Any] = ["service": "inventory", "trace_id": traceID, "request_id": "inv-7"]
        func line(_ base: [String: Any], _ extra: [String: Any]) -> String { recordLine(base.merging(extra) { $1 }) }
        let backend = [
            line(gateway, ["timestamp": at(0), "level": "debug", "event": "request_received", "message": "GET /api/checkout", "span_id": gatewaySpan]),
            line(inventory, ["timestamp": at(60), "level": "debug", "event": "request_received", "message": "GET /api/reserve", "span_id": inventorySpan, "parent_span_id": gatewaySpan]),
            line(inventory, ["timestamp": at(100), "level": "error", "event": "stock_low", "message": "stock below threshold", "span_id": inventorySpan, "parent_span_id": gatewaySpan]),
            line(inventory, ["timestamp": at(200), "event": "request_completed", "message": "request completed", "span_id": inventorySpan, "parent_span_id": gatewaySpan, "duration_ms": 140, "fields": ["method": "GET", "path": "/api/reserve", "status_code": 200]]),
            line(gateway, ["timestamp": at(250), "event": "reserve_inventory_completed", "message": "reserve_inventory completed", "span_id": reserveSpan, "parent_span_id": gatewaySpan, "duration_ms": 200]),
            line(gateway, ["timestamp": at(300), "event": "request_completed", "message": "request completed", "span_id": gatewaySpan, "duration_ms": 300, "fields": ["method": "GET", "path": "/api/checkout", "status_code": 200]]),
        ]
        #expect(try await receiver.postLogs(backend.joined(separator: "\n")).counts() == Counts(accepted: 6))
        let reports: [(String, [(String, String)])] = [
            (recordLine(["timestamp": at(400), "level": "error", "message": "checkout banner shown"]), [("X-Request-ID", "checkout-1")]),
            (recordLine(["timestamp": at(1000), "message": "fetch finished", "context": ["url": "http://localhost:3000/api/checkout?cart=1", "method": "GET"]]), []),
            (recordLine(["timestamp": at(1000), "message": "other page", "context": ["url": "http://localhost:3000/api/other"]]), []),
            (recordLine(["timestamp": at(30_000), "message": "much later", "context": ["url": "http://localhost:3000/api/checkout"]]), []),
            (recordLine(["timestamp": at(900), "message": "wrong method", "context": ["url": "http://localhost:3000/api/checkout", "method": "POST"]]), []),
        ]
        for (body, headers) in reports {
            let reply = try await receiver.postFrontend(body, headers: [("Content-Type", "text/plain")] + headers)
            #expect(reply.status == 202)
        }
    }

    static let expectedOrder = [
        "GET /api/checkout", "GET /api/reserve", "stock below threshold", "request completed", "reserve_inventory completed",
        "request completed", "checkout banner shown", "fetch finished",
    ]

    @Test(arguments: StoreKind.allCases)
    func mergesFrontendAndBothServicesOldestFirstWithSpansAndErrors(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { (receiver) async throws in
            try await Self.seed(receiver)
            let reply = try await receiver.get("/api/debug/trace/checkout-1")
            #expect(reply.status == 200)
            let trace = try reply.object()
            #expect(trace["request_id"] as? String == "checkout-1")
            #expect(trace["trace_id"] as? String == Self.traceID)
            // In the order their work began: the gateway's span starts first, though its records come last.
            #expect(trace["services"] as? [String] == ["gateway", "inventory", "frontend"])
            #expect(trace["error_count"] as? Int == 2)
            #expect(trace["truncated"] == nil, "every record is in the timeline")
            let durationMS = try #require(trace["duration_ms"] as? Double)
            #expect(abs(durationMS - 1000) < 2, "from the gateway's start to the last report: \(durationMS)")

            let timeline = try #require(trace["timeline"] as? [[String: Any]])
            #expect(timeline.compactMap { $0["message"] as? String } == Self.expectedOrder)
            let timestamps = timeline.compactMap { $0["timestamp"] as? String }
            #expect(timestamps == timestamps.sorted())
            let inferred = timeline.filter { $0["inferred"] as? Bool == true }
            #expect(inferred.compactMap { $0["message"] as? String } == ["fetch finished"])
            #expect(timeline.first { $0["message"] as? String == "checkout banner shown" }?["inferred"] == nil)

            let spans = try #require(trace["spans"] as? [[String: Any]])
            let byID = Dictionary(uniqueKeysWithValues: spans.compactMap { span in (span["span_id"] as? String).map { ($0, span) } })
            #expect(byID.count == 3)
            let gateway = try #require(byID[Self.gatewaySpan])
            #expect(gateway["parent_span_id"] == nil)
            #expect(gateway["service"] as? String == "gateway")
            #expect(gateway["name"] as? String == "GET /api/checkout")
            #expect(gateway["duration_ms"] as? Double == 300)
            #expect(gateway["status"] as? String == "ok")
            let reserve = try #require(byID[Self.reserveSpan])
            #expect(reserve["parent_span_id"] as? String == Self.gatewaySpan)
            #expect(reserve["name"] as? String == "reserve_inventory")
            let inventory = try #require(byID[Self.inventorySpan])
            #expect(inventory["parent_span_id"] as? String == Self.gatewaySpan)
            #expect(inventory["service"] as? String == "inventory")
            #expect(inventory["name"] as? String == "GET /api/reserve")
            #expect(inventory["status"] as? String == "error")
            #expect(spans.first?["span_id"] as? String == Self.gatewaySpan, "spans in order of start")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTraceTooLongForOneTimelineKeepsItsBeginningEndErrorsAndSpansAndSaysItIsCut(_ store: StoreKind) async throws {
        try await withReceiver(configure: { store.apply(&$0); $0.traceTimelineLimit = 200 }) { (receiver) async throws in
            // 300 records of one long request, one a millisecond; in its middle, far from either end, an
            // error and a span that failed. The timeline holds 200 here (10,000 by default).
            let start = Date().addingTimeInterval(-60)
            let base: [String: Any] = ["service": "worker", "request_id": "long-job-1", "trace_id": Self.traceID, "span_id": Self.gatewaySpan]
            let lines = (0..<300).map { index -> String in
                var record = base.merging(["timestamp": timestamp(secondsAgo: -Double(index) / 1000, from: start), "message": "step \(index)"]) { $1 }
                switch index {
                case 0: record["message"] = "job started"
                case 150: record.merge(["level": "error", "message": "disk quota exceeded"]) { $1 }
                case 160: record.merge(["event": "upload_chunk_failed", "message": "upload_chunk failed", "span_id": Self.reserveSpan, "parent_span_id": Self.gatewaySpan]) { $1 }
                case 299: record.merge(["event": "request_completed", "message": "request completed", "duration_ms": 299, "fields": ["method": "POST", "path": "/api/jobs"]]) { $1 }
                default: break
                }
                return recordLine(record)
            }
            #expect(try await receiver.postLogs(lines.joined(separator: "\n")).counts() == Counts(accepted: 300))
            let trace = try await receiver.get("/api/debug/trace/long-job-1").object()
            #expect(trace["truncated"] as? Bool == true)
            let timeline = try #require(trace["timeline"] as? [[String: Any]])
            #expect(timeline.count == 200)
            let messages = timeline.compactMap { $0["message"] as? String }
            #expect(messages.first == "job started")
            #expect(messages.last == "request completed", "the request's outcome, at its end")
            #expect(messages.contains("disk quota exceeded") && messages.contains("upload_chunk failed"))
            let timestamps = timeline.compactMap { $0["timestamp"] as? String }
            #expect(timestamps == timestamps.sorted())
            #expect(trace["error_count"] as? Int == 1)
            let durationMS = try #require(trace["duration_ms"] as? Double)
            #expect(abs(durationMS - 299) < 2, "from the first record to the last: \(durationMS)")
            let spans = try #require(trace["spans"] as? [[String: Any]])
            #expect(Set(spans.compactMap { $0["name"] as? String }) == ["POST /api/jobs", "upload_chunk"])
            #expect(spans.first { $0["name"] as? String == "upload_chunk" }?["status"] as? String == "error")

            // The terminal's timeline says it is cut, under its summary.
            let command = try WrapperProcess(["trace", "--receiver", receiver.baseURL, "long-job-1"])
            let (status, stdout, _) = await command.finish()
            #expect(status == 0)
            let printed = String(decoding: stdout, as: UTF8.self).split(separator: "\n").map(String.init)
            #expect(printed.count > 2 && printed[2] == truncatedTimelineNote, "\(printed.prefix(4))")
            #expect(printed.last?.contains("request completed") == true)
        }
    }

    @Test func servicesAreListedInTheOrderTheirWorkBeganNotByFirstRecord() async throws {
        // As the middleware logs at info level: one record per span, written when the span ends, so the
        // callee (inventory) logs before the caller (gateway) that started first.
        try await withReceiver { receiver in
            let start = Date().addingTimeInterval(-60)
            func at(_ ms: Double) -> String { timestamp(secondsAgo: -ms / 1000, from: start) }
            let lines = [
                recordLine(["timestamp": at(200), "service": "inventory", "trace_id": Self.traceID, "request_id": "order-9", "event": "request_completed", "message": "GET /api/reserve 200", "span_id": Self.inventorySpan, "parent_span_id": Self.gatewaySpan, "duration_ms": 140]),
                recordLine(["timestamp": at(300), "service": "gateway", "trace_id": Self.traceID, "request_id": "order-9", "event": "request_completed", "message": "GET /api/checkout 200", "span_id": Self.gatewaySpan, "duration_ms": 300]),
            ]
            #expect(try await receiver.postLogs(lines.joined(separator: "\n")).counts() == Counts(accepted: 2))
            let trace = try await receiver.get("/api/debug/trace/order-9").object()
            #expect(trace["services"] as? [String] == ["gateway", "inventory"])
            let hops = try #require(trace["hops"] as? [[String: Any]])
            #expect(hops.compactMap { $0["service"] as? String } == ["gateway", "inventory"])
        }
    }

    @Test func theTraceIDFindsTheSameTimeline() async throws {
        try await withReceiver { (receiver) async throws in
            try await Self.seed(receiver)
            let byTrace = try await receiver.get("/api/debug/trace/\(Self.traceID)").object()
            let timeline = try #require(byTrace["timeline"] as? [[String: Any]])
            #expect(timeline.compactMap { $0["message"] as? String } == Self.expectedOrder)
            // Inventory's own request id reaches both services through the shared trace id.
            let byInventory = try await receiver.get("/api/debug/trace/inv-7").object()
            #expect(Set(byInventory["services"] as? [String] ?? []).isSuperset(of: ["gateway", "inventory"]))
            #expect(byInventory["request_id"] as? String == "inv-7")
        }
    }

    @Test func buffersTimelineReturnsTheSameRecords() async throws {
        try await withReceiver { (receiver) async throws in
            try await Self.seed(receiver)
            let trace = try await receiver.get("/api/debug/trace/checkout-1").object()
            let reply = try await receiver.get("/buffers/timeline?filter=correlation_id:checkout-1")
            #expect(reply.status == 200)
            let records = try reply.array()
            #expect(records.compactMap { $0["message"] as? String } == Self.expectedOrder)
            let timeline = try #require(trace["timeline"] as? [[String: Any]])
            #expect(records.map { NSDictionary(dictionary: $0) } == timeline.map { NSDictionary(dictionary: $0) })
        }
    }

    @Test func answers404ForAnUnknownIDAnd400ForAnInvalidOne() async throws {
        try await withReceiver { (receiver) async throws in
            try await Self.seed(receiver)
            let unknown = try await receiver.get("/api/debug/trace/no-such-request")
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "not_found")
            #expect(try await receiver.get("/buffers/timeline?filter=correlation_id:no-such-request").status == 404)
            let invalid = try await receiver.get("/api/debug/trace/bad%20id%3Cscript%3E")
            #expect(invalid.status == 400)
            #expect(invalid.errorCode == "invalid_parameter")
            #expect(!invalid.body.contains("<script>"))
            let tooLong = try await receiver.get("/api/debug/trace/" + String(repeating: "a", count: 129))
            #expect(tooLong.status == 400)
            let badFilter = try await receiver.get("/buffers/timeline?filter=request:checkout-1")
            #expect(badFilter.status == 400)
            #expect(badFilter.errorMessage?.hasPrefix("filter") == true)
        }
    }
}
