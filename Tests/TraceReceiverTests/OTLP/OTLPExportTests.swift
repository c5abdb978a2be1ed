import Foundation
import Testing

@testable import TraceReceiver

private let protobuf = [("Content-Type", "application/x-protobuf")]
private let json = [("Content-Type", "application/json")]

private func record(_ body: String, severity: UInt64 = 9, attributes: [(key: String, value: OTLPValue)] = []) -> OTLPLogRecord {
    var record = OTLPLogRecord()
    record.time = UInt64(Date().timeIntervalSince1970 * 1e9)
    record.severityNumber = severity
    record.body = .string(body)
    record.attributes = attributes
    return record
}

@Suite("POST /v1/logs: OTLP/HTTP log export")
struct OTLPExportTests {
    @Test func protobufAndJSONExportsAreStoredAndAnsweredInTheirOwnEncoding() async throws {
        try await withReceiver { receiver in
            let request = ProtobufWriter.exportRequest(service: "orders", scope: "app", [
                record("order placed", attributes: [(key: "request_id", value: .string("r-1")), (key: "total", value: .double(9.5))]),
                record("payment failed", severity: 17, attributes: [(key: "exception.type", value: .string("CardError"))]),
            ])
            let reply = try await receiver.request(.POST, "/v1/logs", body: request, headers: protobuf)
            #expect(reply.status == 200, "\(reply.body)")
            #expect(reply.headers["Content-Type"] == ["application/x-protobuf"])
            #expect(reply.body.isEmpty, "an empty ExportLogsServiceResponse: everything was taken")

            let body = #"""
                {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"orders"}}]},
                 "scopeLogs":[{"logRecords":[{"timeUnixNano":"\#(record("").time)","severityText":"WARN","body":{"stringValue":"stock low"}}]}]}]}
                """#
            let jsonReply = try await receiver.request(.POST, "/v1/logs", body: Array(body.utf8), headers: [("Content-Type", "application/json; charset=utf-8")])
            #expect(jsonReply.status == 200)
            #expect(jsonReply.headers["Content-Type"] == ["application/json"])
            #expect(jsonReply.body == "{}")

            let (logs, _) = try await receiver.search("service=orders")
            let byMessage = Dictionary(uniqueKeysWithValues: logs.map { ($0["message"] as? String ?? "", $0) })
            #expect(Set(byMessage.keys) == ["order placed", "payment failed", "stock low"])
            #expect(byMessage["order placed"]?["request_id"] as? String == "r-1")
            #expect((byMessage["order placed"]?["fields"] as? [String: Any])?["total"] as? Double == 9.5)
            #expect(byMessage["payment failed"]?["level"] as? String == "error")
            #expect(byMessage["payment failed"]?["error_type"] as? String == "CardError")
            #expect(byMessage["stock low"]?["level"] as? String == "warning")
            #expect(byMessage["stock low"]?["source"] as? String == "backend")

            // An exporter retrying an export it thinks failed: stored once.
            let again = try await receiver.request(.POST, "/v1/logs", body: request, headers: protobuf)
            #expect(again.status == 200)
            #expect(try await receiver.search("service=orders").logs.count == 3)
            let metrics = try await receiver.metrics()
            #expect(metricValue(metrics, "trace_receiver_records_total", ["outcome": "duplicate", "source": "backend", "service": "orders"]) == 2)
        }
    }

    @Test func aRecordOverTheLimitIsRefusedAloneAndCountedInPartialSuccess() async throws {
        try await withReceiver { receiver in
            let huge = String(repeating: "x", count: 70 * 1024)
            let request = ProtobufWriter.exportRequest(service: "bulk", [record("kept 1"), record(huge), record("kept 2")])
            let reply = try await receiver.request(.POST, "/v1/logs", body: request, headers: protobuf)
            #expect(reply.status == 200)
            // ExportLogsServiceResponse { partial_success { rejected_log_records: 1, error_message: "log record 2: …" } }
            let bytes = Array(reply.body.utf8)
            #expect(bytes.starts(with: [0x0A]) && bytes.dropFirst(2).starts(with: [0x08, 0x01, 0x12]), "\(bytes.prefix(8))")
            #expect(reply.body.contains("log record 2: record is"), "\(reply.body)")
            #expect(Set(try await receiver.search("service=bulk").logs.compactMap { $0["message"] as? String }) == ["kept 1", "kept 2"])

            let body = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"\#(huge)"}},{"body":{"stringValue":"kept 3"}}]}]}]}"#
            let jsonReply = try await receiver.request(.POST, "/v1/logs", body: Array(body.utf8), headers: json)
            let answer = try jsonReply.object()
            let partial = try #require(answer["partialSuccess"] as? [String: Any])
            #expect(partial["rejectedLogRecords"] as? Int == 1)
            #expect((partial["errorMessage"] as? String)?.hasPrefix("log record 1: record is") == true)
        }
    }

    @Test func refusesWhatItCannotTakeWithAStatusAndAJSONErrorNamingTheProblem() async throws {
        try await withReceiver(configure: {
            $0.maximumBodyBytes = 4096
            $0.serviceRecordsPerSecond = 0.5
        }) { receiver in
            let text = try await receiver.request(.POST, "/v1/logs", body: Array("hello".utf8), headers: [("Content-Type", "text/plain")])
            #expect(text.status == 415)
            #expect(text.errorMessage == "OTLP/HTTP bodies are application/x-protobuf or application/json")
            let missing = try await receiver.request(.POST, "/v1/logs", body: [0x0A])
            #expect(missing.status == 415)

            // A protobuf client gets a protobuf google.rpc.Status, as OTLP/HTTP asks; a JSON one gets it as JSON,
            // with our error code too.
            let cut = try await receiver.request(.POST, "/v1/logs", body: [0x0A, 0x05, 0x12], headers: protobuf)
            #expect(cut.status == 400)
            #expect(cut.protobufStatus?.code == 3, "INVALID_ARGUMENT")
            #expect(cut.protobufStatus?.message == "not an OTLP ExportLogsServiceRequest: a length of 5 bytes runs past the end of its message")
            let notJSON = try await receiver.request(.POST, "/v1/logs", body: Array("{\"resourceLogs\":".utf8), headers: json)
            #expect(notJSON.status == 400)
            #expect(notJSON.errorMessage?.hasPrefix("not an OTLP ExportLogsServiceRequest: invalid JSON") == true)
            #expect(try notJSON.object()["code"] as? Int == 3)
            #expect(notJSON.errorCode == "invalid_body")

            let invalidUTF8 = try await receiver.request(.POST, "/v1/logs", body: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], headers: json)
            #expect(invalidUTF8.status == 400)
            #expect(invalidUTF8.errorCode == "invalid_body")

            let large = try await receiver.request(.POST, "/v1/logs", body: Array(repeating: 0, count: 5000), headers: protobuf)
            #expect(large.status == 413)
            #expect(large.protobufStatus?.message == "request body exceeds the limit of 4096 bytes")

            // Nothing was stored along the way.
            #expect(try await receiver.search("").logs.isEmpty)

            // Over the service's rate (0.5/s): the first export takes the bucket into debt (as on
            // /api/logs); the next is refused whole, with when to retry.
            let five = ProtobufWriter.exportRequest(service: "chatty", (1...5).map { record("line \($0)") })
            #expect(try await receiver.request(.POST, "/v1/logs", body: five, headers: protobuf).status == 200)
            let limited = try await receiver.request(.POST, "/v1/logs", body: ProtobufWriter.exportRequest(service: "chatty", [record("more")]), headers: protobuf)
            #expect(limited.status == 429)
            #expect(limited.headers["Retry-After"].first.flatMap(Int.init) ?? 0 >= 1)
            #expect(limited.protobufStatus?.code == 8, "RESOURCE_EXHAUSTED")
            #expect(limited.protobufStatus?.message.contains("over its rate") == true)
            #expect(try await receiver.search("service=chatty").logs.count == 5)
        }
    }

    @Test func aBrowserOfAnAllowedOriginMayExportAndItsRecordsAreTheFrontends() async throws {
        try await withReceiver { receiver in
            let preflight = try await receiver.request(
                .OPTIONS, "/v1/traces", headers: [("Origin", "http://localhost:5173"), ("Access-Control-Request-Method", "POST")]
            )
            #expect(preflight.status == 204)
            #expect(preflight.headers["Access-Control-Allow-Origin"] == ["http://localhost:5173"])
            #expect(preflight.headers["Access-Control-Allow-Headers"].first?.contains("Content-Type") == true)

            let body = #"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop-web"}}]},"scopeLogs":[{"logRecords":[{"severityNumber":17,"body":{"stringValue":"checkout button failed"}}]}]}]}"#
            let reply = try await receiver.request(.POST, "/v1/logs", body: Array(body.utf8), headers: json + [("Origin", "http://localhost:5173")])
            #expect(reply.status == 200)
            #expect(reply.headers["Access-Control-Allow-Origin"] == ["http://localhost:5173"])
            let (logs, _) = try await receiver.search("service=shop-web")
            #expect(logs.map { $0["source"] as? String } == ["frontend"])

            // Another origin: refused before anything is read, its origin never echoed.
            let evil = try await receiver.request(.POST, "/v1/logs", body: Array(body.utf8), headers: json + [("Origin", "https://evil.example")])
            #expect(evil.status == 403)
            #expect(evil.errorCode == "origin_not_allowed")
            #expect(evil.headers["Access-Control-Allow-Origin"].isEmpty)
            #expect(try await receiver.request(.OPTIONS, "/v1/logs", headers: [("Origin", "https://evil.example")]).status == 403)
            // An allowed origin's error carries the CORS headers, so the page can read it.
            let bad = try await receiver.request(.POST, "/v1/logs", body: Array("{".utf8), headers: json + [("Origin", "http://127.0.0.1:3000")])
            #expect(bad.status == 400)
            #expect(bad.headers["Access-Control-Allow-Origin"] == ["http://127.0.0.1:3000"])
            #expect(try await receiver.search("service=shop-web").logs.count == 1)
        }
    }

    @Test func withAnIngestTokenAnExportNeedsIt() async throws {
        try await withReceiver(configure: { $0.ingestToken = "s3cret" }) { receiver in
            let request = ProtobufWriter.exportRequest(service: "secure", [record("hello")])
            let refused = try await receiver.request(.POST, "/v1/logs", body: request, headers: protobuf)
            #expect(refused.status == 401)
            #expect(refused.headers["WWW-Authenticate"] == ["Bearer"])
            #expect(refused.protobufStatus?.code == 16, "UNAUTHENTICATED")
            #expect(refused.protobufStatus?.message.hasPrefix("this receiver requires an ingest token") == true)
            let taken = try await receiver.request(.POST, "/v1/logs", body: request, headers: protobuf + [("Authorization", "Bearer s3cret")])
            #expect(taken.status == 200)
        }
    }

    // The OpenTelemetry Python SDK's logging bridge and OTLP/HTTP exporters (protobuf; plain and gzip).
    @Test func theOpenTelemetryPythonSDKsLogsAndSpansMakeOneTraceWithLevelsIdsAndErrors() async throws {
        try await withReceiver { receiver in
            let script = packageRoot.appendingPathComponent("Tests/TraceReceiverTests/OTLP/otel_export.py").path
            let run = try await runPython([script, receiver.baseURL])
            try #require(run.status == 0, "python3: \(run.stderr)")
            let printed = run.stdout.split(separator: "\n").map(String.init)
            let traceID = try #require(printed.first)
            #expect(traceID.count == 32)
            #expect(printed.last == "SUCCESS", "the SDK's metrics export is answered 200: \(run.stdout) \(run.stderr)")
            let metrics = try await receiver.get("/metrics").body
            #expect(metrics.contains("trace_receiver_otlp_metric_points_refused_total 3"), "\(metrics)")

            let (checkout, _) = try await receiver.search("service=checkout-py")
            // The log records (the spans' records have an event).
            let byMessage = Dictionary(uniqueKeysWithValues: checkout.filter { $0["event"] == nil }.map { ($0["message"] as? String ?? "", $0) })
            #expect(Set(byMessage.keys) == ["card declined", "charge failed", "checkout done"])
            let declined = try #require(byMessage["card declined"])
            #expect(declined["level"] as? String == "warning")
            #expect(declined["request_id"] as? String == "r-otel-1")
            #expect(declined["trace_id"] as? String == traceID)
            #expect((declined["fields"] as? [String: Any])?["amount"] as? Int == 42)
            #expect((declined["fields"] as? [String: Any])?["logger"] as? String == "shop.payments")
            let failed = try #require(byMessage["charge failed"])
            #expect(failed["level"] as? String == "error")
            #expect(failed["error_type"] as? String == "ZeroDivisionError")
            #expect(failed["error"] as? String == "division by zero")
            #expect((failed["stack"] as? String)?.contains("1 / 0") == true)
            #expect(byMessage["checkout done"]?["level"] as? String == "debug")
            #expect(byMessage["checkout done"]?["trace_id"] == nil, "logged outside the span")

            let (billing, _) = try await receiver.search("service=billing-py")
            #expect(billing.map { $0["message"] as? String } == ["invoice sent"], "the gzip-compressed export")

            // The spans and the records logged in them, found by the trace id the program printed.
            let trace = try await receiver.get("/api/debug/trace/\(traceID)").object()
            let spans = try #require(trace["spans"] as? [[String: Any]])
            #expect(spans.map { $0["name"] as? String } == ["charge", "authorize"])
            #expect(spans.map { $0["status"] as? String } == ["error", "ok"])
            #expect(spans.last?["parent_span_id"] as? String == spans.first?["span_id"] as? String)
            #expect(spans.allSatisfy { ($0["duration_ms"] as? Double).map { $0 >= 0 } == true })
            let timeline = try #require(trace["timeline"] as? [[String: Any]])
            let messages = timeline.compactMap { $0["message"] as? String }
            #expect(["card declined", "charge failed", "division by zero", "charge", "authorize"].allSatisfy(messages.contains), "\(messages)")
            #expect(declined["span_id"] as? String == spans.last?["span_id"] as? String, "logged inside authorize")
        }
    }

    // A real instrumentation's server spans: OpenTelemetry's WSGI middleware, under the older HTTP semantic
    // conventions (http.method, http.url, http.status_code) and the current ones (http.request.method,
    // http.response.status_code, the path only in the span's name).
    @Test func theWSGIInstrumentationsServerSpansAreRequestsUnderEitherSemanticConventions() async throws {
        try await withReceiver { receiver in
            let script = packageRoot.appendingPathComponent("Tests/TraceReceiverTests/OTLP/otel_wsgi.py").path
            for (service, optIn) in [("shop-old", ""), ("shop-new", "http")] {
                let run = try await runProgram(
                    ["python3", script, receiver.baseURL, service], environment: ["OTEL_SEMCONV_STABILITY_OPT_IN": optIn])
                try #require(run.status == 0, "python3: \(run.stderr)")
                let traces = run.stdout.split(separator: "\n").map(String.init)
                #expect(traces.count == 2 && traces.allSatisfy { $0.count == 32 }, "\(run.stdout)")
                let requests = try await RequestListTests.requests(receiver, "service=" + service)
                #expect(requests.map { $0["trace_id"] as? String } == traces.reversed(), "newest first, each by its trace")
                #expect(requests.map { $0["request_id"] as? String } == [nil, nil])
                #expect(requests.map { $0["method"] as? String } == ["POST", "GET"], "\(service)")
                #expect(requests.map { $0["path"] as? String } == ["/pay", "/orders/42"], "\(service)")
                #expect(requests.map { $0["status"] as? Int } == [503, 200], "\(service)")
                #expect(requests.map { $0["failed"] as? Bool } == [true, false], "\(service)")
                #expect(requests.allSatisfy { ($0["duration_ms"] as? Double).map { $0 > 0 } == true }, "\(service)")
            }
        }
    }
}
