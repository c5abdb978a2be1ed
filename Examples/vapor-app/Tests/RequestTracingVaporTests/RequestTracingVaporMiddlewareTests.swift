import Foundation
import Logging
import RequestTracing
import Testing
import Vapor

@testable import VaporTracedApp

/// Every log line of the test process, as JSON lines (the logging system is bootstrapped once).
let logLines: InMemoryLogSink = {
    let sink = InMemoryLogSink()
    LoggingSystem.bootstrap { label in
        StructuredLogHandler(label: label, service: "vapor-app", sink: sink, suppressedMetadataKeys: ["request-id"])
    }
    return sink
}()

/// Runs the example app on 127.0.0.1 with an ephemeral port for the duration of `body`.
func withRunningApp(_ body: (Application, Int) async throws -> Void) async throws {
    _ = logLines
    let app = try await Application.make(.testing)
    configure(app)
    do {
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = try #require(app.http.server.shared.localAddress?.port)
        try await body(app, port)
    } catch {
        await app.server.shutdown()
        try? await app.asyncShutdown()
        throw error
    }
    await app.server.shutdown()
    try await app.asyncShutdown()
}

extension Application {
    func send(_ path: String, port: Int, headers: HTTPHeaders = [:]) async throws -> ClientResponse {
        try await client.get(URI(string: "http://127.0.0.1:\(port)\(path)"), headers: headers)
    }
}

/// The JSON log records carrying `requestID`.
func records(of requestID: String) -> [[String: Any]] {
    logLines.lines.compactMap { line in
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return object["request_id"] as? String == requestID ? object : nil
    }
}

@Suite("RequestTracingVaporMiddleware in a running Vapor app")
struct RequestTracingVaporMiddlewareTests {
    @Test func makesAUUIDv7WhenNoneIsSentAndEchoesAValidOne() async throws {
        try await withRunningApp { app, port in
            let fresh = try await app.send("/api/hello", port: port)
            #expect(fresh.status == .ok)
            let made = try #require(fresh.headers.first(name: "X-Request-ID"))
            #expect(made.count == 36 && Array(made)[14] == "7", "a UUIDv7: \(made)")

            let kept = try await app.send("/api/hello", port: port, headers: ["X-Request-ID": "order-4711.retry_2"])
            #expect(kept.headers[TracingHeader.requestID] == ["order-4711.retry_2"])
        }
    }

    @Test(arguments: [String(repeating: "a", count: 10_000), "naïve-ünïcode-id", "has spaces in it", "<script>"])
    func neverEchoesAnInvalidRequestID(_ hostile: String) async throws {
        try await withRunningApp { app, port in
            let answer = try await app.send("/api/hello", port: port, headers: ["X-Request-ID": hostile])
            let echoed = try #require(answer.headers.first(name: "X-Request-ID"))
            #expect(echoed != hostile && echoed.count == 36, "replaced by a fresh id: \(echoed.prefix(60))")
        }
    }

    @Test func aNotFoundAndAnAbortKeepTheirStatusAndCarryTheID() async throws {
        try await withRunningApp { app, port in
            for path in ["/no/such/route", "/api/missing-item"] {
                let answer = try await app.send(path, port: port, headers: ["X-Request-ID": "lost-1"])
                #expect(answer.status == .notFound, "\(path)")
                #expect(answer.headers.first(name: "X-Request-ID") == "lost-1", "\(path)")
                let body = try #require(try answer.content.decode([String: JSONValue].self) as [String: JSONValue]?)
                #expect(body["request_id"] == .string("lost-1") && body["error"] == .bool(true), "\(path): \(body)")
            }
            let reason = try await app.send("/api/missing-item", port: port).content.decode([String: JSONValue].self)["reason"]
            #expect(reason == .string("no such item"))
        }
    }

    @Test func anUnexpectedErrorIsAJSON500LoggedAtErrorLevelWithItsType() async throws {
        try await withRunningApp { app, port in
            let answer = try await app.send("/api/fail", port: port, headers: ["X-Request-ID": "fail-1"])
            #expect(answer.status == .internalServerError)
            #expect(answer.headers.first(name: "X-Request-ID") == "fail-1")
            let body = try answer.content.decode([String: JSONValue].self)
            #expect(body == [
                "error": .string("internal_error"), "message": .string("The server failed to handle this request."), "request_id": .string("fail-1"),
            ])
            let failed = try #require(records(of: "fail-1").first { $0["event"] as? String == "request_failed" })
            #expect(failed["level"] as? String == "error")
            #expect((failed["error_type"] as? String)?.hasSuffix("Failure") == true, "\(failed)")
        }
    }

    @Test func handlersReadTheContinuedTraceInChildTasksAndEachRequestIsLoggedOnce() async throws {
        try await withRunningApp { app, port in
            let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
            let answer = try await app.send(
                "/api/whoami", port: port,
                headers: ["X-Request-ID": "who-1", "traceparent": "00-\(traceID)-00f067aa0ba902b7-01"]
            )
            let identity = try answer.content.decode(Identity.self)
            #expect(identity.requestID == "who-1" && identity.traceID == traceID && identity.parentSpanID == "00f067aa0ba902b7")
            let completed = records(of: "who-1").filter { $0["event"] as? String == "request_completed" }
            #expect(completed.count == 1)
            let record = try #require(completed.first)
            #expect(record["trace_id"] as? String == traceID && record["span_id"] as? String == identity.spanID)
            let fields = (record["fields"] as? [String: Any]) ?? record
            #expect(fields["method"] as? String == "GET" && fields["path"] as? String == "/api/whoami")
            #expect(record["duration_ms"] is Double, "\(record)")
        }
    }

    @Test func anOutgoingCallCarriesTheRequestIDAndTheTraceWithThisSpanAsParent() async throws {
        try await withRunningApp { app, port in
            let answer = try await app.send("/api/downstream", port: port, headers: ["X-Request-ID": "hop-1"])
            #expect(answer.status == .ok)
            let downstream = try answer.content.decode(Identity.self)
            #expect(downstream.requestID == "hop-1")
            let upstream = try #require(records(of: "hop-1").first { ($0["fields"] as? [String: Any])?["path"] as? String == "/api/downstream" })
            #expect(downstream.traceID == upstream["trace_id"] as? String)
            #expect(downstream.parentSpanID == upstream["span_id"] as? String, "the caller's span is the callee's parent")
            #expect(downstream.spanID != upstream["span_id"] as? String)
        }
    }
}

/// A JSON value, for comparing response bodies.
enum JSONValue: Codable, Equatable {
    case string(String), bool(Bool), number(Double), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else { self = .string(try container.decode(String.self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
