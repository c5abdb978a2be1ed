import NIOHTTP1
import Foundation
import RequestTracing
import TestSupport
import Testing

@Suite("X-Request-ID is honoured, replaced and echoed")
struct RequestIDTests {
    @Test func keepsAValidIncomingRequestIDAndEchoesIt() async throws {
        let server = TracedServer()
        try await server.run { port in
            let response = try await get(port, "/hello", headers: [("X-Request-ID", "client-id:42.a_b-c")])
            #expect(response.status == 200)
            #expect(response.headers["X-Request-ID"] == ["client-id:42.a_b-c"])
        }
        let completed = try #require(try server.sink.records(event: "request_completed").first)
        #expect(completed["request_id"] as? String == "client-id:42.a_b-c")
    }

    @Test func generatesAUUIDv7WhenNoIDIsSent() async throws {
        let server = TracedServer()
        let ids = try await server.run { port in
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await get(port, "/hello").headers.first(name: "X-Request-ID") ?? "") }
            return ids
        }
        for id in ids { #expect(UUIDv7(id) != nil, "\(id) is not a UUIDv7") }
        #expect(Set(ids).count == 3)
        #expect(ids == ids.sorted())
    }

    @Test(arguments: [
        String(repeating: "a", count: 129),
        String(repeating: "x", count: 10_000),
        "ünïcødé-id",
        "id with spaces",
        "id\"quote",
        "<script>alert(1)</script>",
        "id;rm -rf",
    ])
    func replacesAnInvalidIDAndNeverEchoesOrLogsIt(_ hostile: String) async throws {
        let server = TracedServer()
        let echoed = try await server.run { port in
            let response = try await get(port, "/hello", headers: [("X-Request-ID", hostile)])
            #expect(response.status == 200)
            return try #require(response.headers.first(name: "X-Request-ID"))
        }
        #expect(UUIDv7(echoed) != nil)
        #expect(echoed != hostile)
        for line in server.sink.lines { #expect(!line.contains(hostile)) }
        #expect(try server.sink.records(event: "request_completed").first?["request_id"] as? String == echoed)
    }

    @Test func echoesTheIDOnUnmatchedRoutes() async throws {
        let server = TracedServer()
        try await server.run { port in
            let response = try await get(port, "/no/such/route", headers: [("X-Request-ID", "lost-123")])
            #expect(response.status == 404)
            #expect(response.headers["X-Request-ID"] == ["lost-123"])
        }
        let completed = try #require(try server.sink.records(event: "request_completed").first)
        #expect(completed.field("status_code") as? Int == 404)
    }

    @Test func echoesTheIDAndAnswersJSONWhenAHandlerThrowsAPlainError() async throws {
        let server = TracedServer()
        try await server.run { port in
            let response = try await get(port, "/fail", headers: [("X-Request-ID", "boom-1")])
            #expect(response.status == 500)
            #expect(response.headers["X-Request-ID"] == ["boom-1"])
            #expect(response.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: String])
            #expect(body["error"] == "internal_error")
            #expect(body["request_id"] == "boom-1")
            #expect(body["message"]?.isEmpty == false)
            #expect(!response.body.contains("database connection reset"), "internal error details must not leak")
        }
        let failed = try #require(try server.sink.records(event: "request_failed").first)
        #expect(failed["level"] as? String == "error")
        #expect(failed["error"] as? String == "database connection reset")
        #expect(failed["error_type"] as? String == "RequestTracingHummingbirdTests.TracedServer.PlainFailure")
        #expect(failed.field("status_code") as? Int == 500)
        #expect(failed["duration_ms"] is NSNumber)
    }

    @Test func keepsTheStatusAndBodyOfHTTPErrors() async throws {
        let server = TracedServer()
        try await server.run { port in
            let response = try await get(port, "/teapot", headers: [("X-Request-ID", "tea-1")])
            #expect(response.status == 418)
            #expect(response.headers["X-Request-ID"] == ["tea-1"])
            #expect(response.body.contains("short and stout"))
        }
        let completed = try #require(try server.sink.records(event: "request_completed").first)
        #expect(completed["level"] as? String == "info")
        #expect(completed.field("status_code") as? Int == 418)
    }

    @Test func contextIDReturnsTheRequestID() async throws {
        let server = TracedServer()
        try await server.run { port in
            let response = try await get(port, "/context-id", headers: [("X-Request-ID", "ctx-77")])
            #expect(response.body == "ctx-77")
        }
    }

    @Test func logsCompletedRequestsWithMethodPathStatusAndDuration() async throws {
        let server = TracedServer()
        try await server.run { port in
            _ = try await get(port, "/hello?token=secret", headers: [("X-Request-ID", "log-1")])
        }
        let received = try #require(try server.sink.records(event: "request_received").first)
        #expect(received["level"] as? String == "debug")
        let completed = try #require(try server.sink.records(event: "request_completed").first)
        #expect(completed["level"] as? String == "info")
        #expect(completed.field("method") as? String == "GET")
        #expect(completed.field("path") as? String == "/hello")
        #expect(completed.field("status_code") as? Int == 200)
        let duration = try #require(completed["duration_ms"] as? Double)
        #expect(duration >= 0 && duration < 10_000)
        for line in server.sink.lines { #expect(!line.contains("secret"), "query strings are not logged by default") }
    }
}
