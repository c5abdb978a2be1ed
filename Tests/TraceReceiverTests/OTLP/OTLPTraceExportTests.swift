import Foundation
import Testing

@testable import TraceReceiver

private let protobuf = [("Content-Type", "application/x-protobuf")]
private let traceID: [UInt8] = Array(0x10...0x1F)
private let traceHex = "101112131415161718191a1b1c1d1e1f"

private func span(
    _ name: String, id: UInt8, parent: UInt8? = nil, kind: UInt64 = 2, from start: UInt64, milliseconds: UInt64,
    attributes: [(key: String, value: OTLPValue)] = [], events: [OTLPSpan.Event] = [], status: (UInt64, String) = (0, ""),
    trace: [UInt8] = traceID
) -> OTLPSpan {
    var span = OTLPSpan()
    span.traceID = trace
    span.spanID = Array(repeating: id, count: 8)
    span.parentSpanID = parent.map { Array(repeating: $0, count: 8) } ?? []
    span.name = name
    span.kind = kind
    span.start = start
    span.end = start + milliseconds * 1_000_000
    span.attributes = attributes
    span.events = events
    (span.statusCode, span.statusMessage) = status
    return span
}

@Suite("POST /v1/traces: OTLP/HTTP span export")
struct OTLPTraceExportTests {
    @Test func spansAcrossTwoServicesMakeOneTraceWithItsTreeHopsAndErrors() async throws {
        try await withReceiver { receiver in
            let start = UInt64(Date().timeIntervalSince1970 * 1e9) - 1_000_000_000
            let gateway = [
                span("GET /checkout", id: 1, from: start, milliseconds: 120, attributes: [
                    (key: "http.request.header.x-request-id", value: .array([.string("r-trace-1")])),
                    (key: "http.response.status_code", value: .int(500)),
                ]),
                span("POST inventory/reserve", id: 2, parent: 1, kind: 3, from: start + 10_000_000, milliseconds: 80),
            ]
            let exception = OTLPSpan.Event(time: start + 60_000_000, name: "exception", attributes: [
                (key: "exception.type", value: .string("OutOfStock")),
                (key: "exception.message", value: .string("no widgets left")),
                (key: "exception.stacktrace", value: .string("OutOfStock: no widgets left\n  at reserve")),
            ])
            let inventory = [
                span(
                    "POST /reserve", id: 3, parent: 2, from: start + 20_000_000, milliseconds: 60,
                    attributes: [(key: "request_id", value: .string("r-trace-1"))], events: [exception], status: (2, "reserve failed")
                )
            ]
            let reply = try await receiver.request(
                .POST, "/v1/traces", body: ProtobufWriter.traceRequest([("gateway", gateway), ("inventory", inventory)]), headers: protobuf)
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.body.isEmpty)

            let trace = try await receiver.get("/api/debug/trace/\(traceHex)").object()
            #expect(trace["services"] as? [String] == ["gateway", "inventory"])
            #expect(trace["error_count"] as? Int == 2, "the failed span and its exception")
            let spans = try #require(trace["spans"] as? [[String: Any]])
            #expect(spans.map { $0["name"] as? String } == ["GET /checkout", "POST inventory/reserve", "POST /reserve"])
            #expect(spans.map { $0["parent_span_id"] as? String } == [nil, "0101010101010101", "0202020202020202"])
            #expect(spans.map { $0["duration_ms"] as? Double } == [120, 80, 60])
            #expect(spans.map { $0["status"] as? String } == ["ok", "ok", "error"])
            let hops = try #require(trace["hops"] as? [[String: Any]])
            #expect(hops.map { $0["duration_ms"] as? Double } == [120, 60])

            // The request id the spans carry finds their records, and the exception recorded on one.
            let (byRequest, _) = try await receiver.search("request_id=r-trace-1")
            #expect(Set(byRequest.compactMap { $0["event"] as? String }) == ["span_completed", "span_failed", "exception"])
            let (failures, _) = try await receiver.search("service=inventory")
            let exceptionRecord = try #require(failures.first { $0["event"] as? String == "exception" })
            #expect(exceptionRecord["message"] as? String == "no widgets left")
            #expect(exceptionRecord["error_type"] as? String == "OutOfStock")
            #expect(exceptionRecord["span_id"] as? String == "0303030303030303")
            let failed = try #require(failures.first { $0["event"] as? String == "span_failed" })
            #expect(failed["level"] as? String == "error")
            #expect(failed["error"] as? String == "reserve failed")
            #expect((failed["fields"] as? [String: Any])?["span_kind"] as? String == "server")
            #expect((failed["fields"] as? [String: Any])?["scope"] as? String == "hummingbird")
        }
    }

    @Test func aJSONExportIsReadAndASpanWithARefusedRecordIsCountedOnce() async throws {
        try await withReceiver { receiver in
            let huge = String(repeating: "y", count: 70 * 1024)
            let body = #"""
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"worker"}}]},
                 "scopeSpans":[{"scope":{"name":"jobs"},"spans":[
                  {"traceId":"\#(traceHex)","spanId":"0909090909090909","name":"nightly","kind":"SPAN_KIND_INTERNAL",
                   "startTimeUnixNano":"1796034001000000000","endTimeUnixNano":"1796034001250000000",
                   "status":{"code":"STATUS_CODE_OK"}},
                  {"traceId":"\#(traceHex)","spanId":"0808080808080808","name":"big","startTimeUnixNano":1796034001000000000,
                   "endTimeUnixNano":1796034001000000000,"events":[{"timeUnixNano":"1796034001000000000","name":"note",
                   "attributes":[{"key":"text","value":{"stringValue":"\#(huge)"}}]}]}]}]}]}
                """#
            let reply = try await receiver.request(.POST, "/v1/traces", body: Array(body.utf8), headers: [("Content-Type", "application/json")])
            #expect(reply.status == 200)
            let partial = try #require(try reply.object()["partialSuccess"] as? [String: Any])
            #expect(partial["rejectedSpans"] as? Int == 1)
            #expect((partial["errorMessage"] as? String)?.hasPrefix("span 2: record is") == true)
            let (records, _) = try await receiver.search("service=worker")
            #expect(Set(records.compactMap { $0["message"] as? String }) == ["nightly", "big"], "the span's own record is kept")
            let nightly = try #require(records.first { $0["message"] as? String == "nightly" })
            #expect(nightly["duration_ms"] as? Double == 250)
            #expect(nightly["timestamp"] as? String == "2026-11-30T10:20:01.250000Z", "a span's record is stamped at its end")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anHTTPServerSpanIsARequestListedByItsTraceOrWithTheMiddlewaresHopOfItsTrace(_ store: StoreKind) async throws {
        try await withReceiver(configure: store.apply) { receiver in
            let now = UInt64(Date().timeIntervalSince1970 * 1e9)
            let second: UInt64 = 1_000_000_000
            let (cart, pay, mixed) = ([UInt8](repeating: 0xA1, count: 16), [UInt8](repeating: 0xB2, count: 16), [UInt8](repeating: 0xC3, count: 16))
            // A request the middleware finished in the gateway, whose inventory hop only OpenTelemetry saw.
            let gatewayHop = recordLine([
                "service": "gateway", "request_id": "r-mixed", "trace_id": String(repeating: "c3", count: 16),
                "span_id": "0101010101010101", "event": "request_completed", "message": "request completed",
                "duration_ms": 40, "timestamp": RecordTime.format(Int64((now - 30 * second) / 1_000)),
                "fields": ["method": "GET", "path": "/checkout", "status_code": 200],
            ])
            #expect(try await receiver.postLogs(gatewayHop).counts() == Counts(accepted: 1))
            let shop = [
                // Current semantic conventions.
                span("GET /cart", id: 1, from: now - 20 * second, milliseconds: 12, attributes: [
                    (key: "http.request.method", value: .string("GET")), (key: "url.path", value: .string("/cart")),
                    (key: "http.route", value: .string("/cart")), (key: "http.response.status_code", value: .int(200)),
                ], trace: cart),
                span("load cart", id: 2, parent: 1, kind: 1, from: now - 20 * second, milliseconds: 5, trace: cart),
                // The older ones: the target's query is not part of the path; a 503 is a failure.
                span("POST", id: 3, from: now - 10 * second, milliseconds: 7, attributes: [
                    (key: "http.method", value: .string("POST")), (key: "http.target", value: .string("/pay?card=4111")),
                    (key: "http.status_code", value: .string("503")),
                ], trace: pay),
            ]
            let inventory = [
                span("GET /reserve", id: 9, parent: 1, from: now - 30 * second - 30_000_000, milliseconds: 20, attributes: [
                    (key: "http.request.method", value: .string("GET")), (key: "url.path", value: .string("/reserve")),
                    (key: "http.response.status_code", value: .int(200)),
                ], trace: mixed)
            ]
            let reply = try await receiver.request(
                .POST, "/v1/traces", body: ProtobufWriter.traceRequest([("shop", shop), ("inventory", inventory)]), headers: protobuf)
            #expect(reply.status == 200, "\(reply.body)")

            let requests = try await RequestListTests.requests(receiver)
            #expect(requests.map { $0["trace_id"] as? String } == ["b2", "a1", "c3"].map { String(repeating: $0, count: 16) })
            #expect(requests.map { $0["request_id"] as? String } == [nil, nil, "r-mixed"])
            #expect(requests.map { $0["method"] as? String } == ["POST", "GET", "GET"])
            #expect(requests.map { $0["path"] as? String } == ["/pay", "/cart", "/checkout"])
            #expect(requests.map { $0["status"] as? Int } == [503, 200, 200])
            #expect(requests.map { $0["duration_ms"] as? Double } == [7, 12, 40])
            #expect(requests.map { $0["failed"] as? Bool } == [true, false, false])
            #expect(requests.map { $0["services"] as? [String] } == [["shop"], ["shop"], ["gateway", "inventory"]])
            // Found by a line of theirs, as requests with ids are.
            let failing = try await RequestListTests.requests(receiver, "level=error")
            #expect(failing.map { $0["path"] as? String } == ["/pay"])
            let inventorys = try await RequestListTests.requests(receiver, "service=inventory")
            #expect(inventorys.map { $0["request_id"] as? String } == ["r-mixed"], "the hop joins its trace's request")

            // What the list gives opens the request: its waterfall names the server span by method and path.
            let trace = try await receiver.get("/api/debug/trace/" + String(repeating: "a1", count: 16)).object()
            let spans = try #require(trace["spans"] as? [[String: Any]])
            #expect(spans.map { $0["name"] as? String } == ["GET /cart", "load cart"])
            let (failed, _) = try await receiver.search("service=shop&level=error")
            #expect(failed.map { $0["event"] as? String } == ["request_failed"])
        }
    }

    @Test func refusesABodyThatIsNotATraceExport() async throws {
        try await withReceiver { receiver in
            let cut = try await receiver.request(.POST, "/v1/traces", body: [0x0A, 0x03, 0x12, 0x05], headers: protobuf)
            #expect(cut.status == 400)
            #expect(cut.protobufStatus?.message == "not an OTLP ExportTraceServiceRequest: a length of 3 bytes runs past the end of its message")
            let badKind = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SPAN_KIND_SIDEWAYS"}]}]}]}"#
            let reply = try await receiver.request(.POST, "/v1/traces", body: Array(badKind.utf8), headers: [("Content-Type", "application/json")])
            #expect(reply.status == 400)
            #expect(reply.errorMessage?.contains("kind SPAN_KIND_SIDEWAYS is not one of its values") == true)
        }
    }

    @Test func aMetricsExportIsReadAndItsDataPointsRefusedSayingWhyWithoutFailingTheExporter() async throws {
        try await withReceiver { receiver in
            var request = ProtobufWriter()
            request.field(1) { resourceMetrics in
                resourceMetrics.field(1) { $0.field(1) { $0.keyValue("service.name", .string("shop")) } }
                resourceMetrics.field(2) { scopeMetrics in
                    scopeMetrics.field(1) { $0.field(1, string: "meter") }
                    scopeMetrics.field(2) { metric in
                        metric.field(1, string: "charges")
                        metric.field(7) { sum in
                            sum.field(1) { $0.field(3, fixed64: 1) }
                            sum.field(1) { $0.field(3, fixed64: 2) }
                            sum.field(2, varint: 2)
                        }
                    }
                    scopeMetrics.field(2) { metric in
                        metric.field(1, string: "latency")
                        metric.field(9) { $0.field(1) { $0.field(4, varint: 3) } }
                    }
                    scopeMetrics.field(2) { metric in
                        metric.field(5) { $0.field(1) { _ in } }
                    }
                }
            }
            let reply = try await receiver.request(.POST, "/v1/metrics", body: request.bytes, headers: protobuf)
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.headers["Content-Type"].first == "application/x-protobuf")
            // ExportMetricsServiceResponse { partial_success (1) { rejected_data_points (1), error_message (2) } }
            var rejected: UInt64 = 0
            var message = ""
            try reply.bytes.withUnsafeBytes { bytes in
                try ProtobufReader.forEach(1, in: bytes) { partial throws(OTLPDecodingError) in
                    var reader = ProtobufReader(partial)
                    while let field = try reader.nextField() {
                        switch field.number {
                        case 1: rejected = try reader.varint()
                        case 2: message = try reader.string()
                        default: try reader.skip(field.wireType)
                        }
                    }
                }
            }
            #expect(rejected == 4)
            #expect(message == OTLPController.metricsRefusal)

            let json = #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"x","summary":{"dataPoints":[{},{}]}},{"name":"y","exponential_histogram":{"dataPoints":[{}]}}]}]}]}"#
            let answer = try await receiver.request(.POST, "/v1/metrics", body: Array(json.utf8), headers: [("Content-Type", "application/json")])
            #expect(answer.status == 200)
            let partial = try #require(try answer.object()["partialSuccess"] as? [String: Any])
            #expect(partial["rejectedDataPoints"] as? Int == 3)
            #expect((partial["errorMessage"] as? String)?.hasPrefix("trace-receiver keeps logs and spans, not metrics") == true)
            let empty = try await receiver.request(.POST, "/v1/metrics", body: Array("{}".utf8), headers: [("Content-Type", "application/json")])
            #expect(empty.status == 200)
            #expect(empty.body == "{}", "nothing refused")

            let cut = try await receiver.request(.POST, "/v1/metrics", body: [0x0A, 0x05, 0x12], headers: protobuf)
            #expect(cut.status == 400)
            #expect(cut.protobufStatus?.message.hasPrefix("not an OTLP ExportMetricsServiceRequest: ") == true, "\(cut.body)")
            let wrong = try await receiver.request(
                .POST, "/v1/metrics", body: Array(#"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"sum":{"dataPoints":7}}]}]}]}"#.utf8),
                headers: [("Content-Type", "application/json")])
            #expect(wrong.status == 400)
            #expect(wrong.errorMessage == "not an OTLP ExportMetricsServiceRequest: dataPoints is not an array")
            #expect(try await receiver.request(.POST, "/v1/metrics", body: [], headers: [("Content-Type", "text/plain")]).status == 415)
            let deep = #"{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"x":"# + String(repeating: "[", count: 10_000)
                + String(repeating: "]", count: 10_000) + "}]}}]}]}]}"
            let nested = try await receiver.request(.POST, "/v1/metrics", body: Array(deep.utf8), headers: [("Content-Type", "application/json")])
            #expect(nested.status == 400, "deep nesting is refused, not recursed through")
            #expect(try await receiver.get("/metrics").body.contains("trace_receiver_otlp_metric_points_refused_total 7"))
            #expect(try await receiver.search("limit=10").logs.isEmpty, "no metric is stored as a record")
        }
    }
}
