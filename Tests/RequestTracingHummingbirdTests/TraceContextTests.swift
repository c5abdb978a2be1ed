import NIOHTTP1
import RequestTracing
import TestSupport
import Testing

@Suite("W3C traceparent is continued or started")
struct TraceContextTests {
    @Test func continuesTheCallersTraceWithANewSpan() async throws {
        let server = TracedServer()
        let seen = try await server.run { port in
            try await get(port, "/whoami", headers: [
                ("X-Request-ID", "tp-1"),
                ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            ]).body.split(separator: " ").map(String.init)
        }
        #expect(seen.count == 4)
        #expect(seen[0] == "tp-1")
        #expect(seen[1] == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(seen[2] != "00f067aa0ba902b7" && SpanID(hex: seen[2]) != nil)
        #expect(seen[3] == "00f067aa0ba902b7")
        let completed = try #require(try server.sink.records(event: "request_completed").first)
        #expect(completed["trace_id"] as? String == seen[1])
        #expect(completed["span_id"] as? String == seen[2])
        #expect(completed["parent_span_id"] as? String == seen[3])
    }

    @Test(arguments: [
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "garbage",
    ])
    func startsANewTraceWhenTraceparentIsInvalid(_ traceparent: String) async throws {
        let server = TracedServer()
        let seen = try await server.run { port in
            try await get(port, "/whoami", headers: [("traceparent", traceparent), ("tracestate", "vendor=value")])
                .body.split(separator: " ").map(String.init)
        }
        #expect(TraceID(hex: seen[1]) != nil)
        #expect(seen[1] != "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(seen[3] == "-", "a new trace has no parent span")
    }
}
