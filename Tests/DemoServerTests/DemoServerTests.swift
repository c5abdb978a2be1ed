import AsyncHTTPClient
import Foundation
import NIOHTTP1
import RequestTracing
import TestSupport
import Testing

@testable import DemoServer

/// Runs the demo's inventory and gateway on ephemeral loopback ports, logging JSON into `sink`; the
/// gateway serves `page` when given.
func withDemo<Result: Sendable>(
    sink: InMemoryLogSink, page: DemoBrowserPage? = nil, _ body: (Int) async throws -> Result
) async throws -> Result {
    let logging = DemoLogging(format: .json, sink: sink, level: .info)
    return try await withRunningApplication({ DemoServices.inventory(port: 0, logging: logging, onRunning: $0) }) { inventoryPort in
        try await withRunningApplication(
            { DemoServices.gateway(port: 0, downstreamPort: inventoryPort, logging: logging, page: page, onRunning: $0) }, body
        )
    }
}

func fetch(_ port: Int, _ path: String, headers: [(String, String)] = []) async throws -> (status: Int, headers: HTTPHeaders, body: Data) {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), response.headers, Data(body.readableBytesView))
}

@Suite("Demo: two services, one trace")
struct DemoServerTests {
    static let incomingTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let incomingParent = "00f067aa0ba902b7"
    static let traceparent = "00-\(incomingTrace)-\(incomingParent)-01"

    @Test func checkoutCarriesTheRequestIDAndTraceFromGatewayToInventory() async throws {
        let sink = InMemoryLogSink()
        let response = try await withDemo(sink: sink) { port in
            try await fetch(port, "/api/checkout", headers: [("X-Request-ID", "checkout-1"), ("traceparent", Self.traceparent)])
        }
        #expect(response.status == 200)
        #expect(response.headers["X-Request-ID"] == ["checkout-1"])
        let body = try JSONDecoder().decode(CheckoutResult.self, from: response.body)

        #expect(body.gateway.request_id == "checkout-1")
        #expect(body.inventory.request_id == "checkout-1")
        #expect(body.gateway.trace_id == Self.incomingTrace)
        #expect(body.inventory.trace_id == Self.incomingTrace)
        #expect(body.gateway.parent_span_id == Self.incomingParent, "the gateway's span is a child of the caller's")

        // inventory's parent is the gateway's reserve_inventory span, itself a child of the gateway span.
        let reserve = try #require(try sink.records(event: "reserve_inventory_completed").first)
        #expect(body.inventory.parent_span_id == reserve["span_id"] as? String)
        #expect(reserve["parent_span_id"] as? String == body.gateway.span_id)
        #expect(reserve["service"] as? String == "gateway")
        #expect(reserve["duration_ms"] is NSNumber)

        let completed = try sink.records(event: "request_completed").filter { $0["request_id"] as? String == "checkout-1" }
        #expect(Set(completed.compactMap { $0["service"] as? String }) == ["gateway", "inventory"])
        #expect(completed.allSatisfy { $0["trace_id"] as? String == Self.incomingTrace })
        let inventoryLine = try #require(try sink.records(event: "item_reserved").first)
        #expect(inventoryLine["request_id"] as? String == "checkout-1")
        #expect(inventoryLine["span_id"] as? String == body.inventory.span_id)
    }

    @Test func checkoutFailingDownstreamIsOneTraceWithErrorsOnBothServices() async throws {
        let sink = InMemoryLogSink()
        let response = try await withDemo(sink: sink) { port in
            try await fetch(port, "/api/checkout?fail=1", headers: [("X-Request-ID", "checkout-fail-1")])
        }
        #expect(response.status == 500)
        let body = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: String])
        #expect(body["request_id"] == "checkout-fail-1")
        #expect(body["error"] == "internal_error")

        let failed = try sink.records(event: "request_failed")
        #expect(Set(failed.compactMap { $0["service"] as? String }) == ["gateway", "inventory"])
        #expect(failed.allSatisfy { $0["request_id"] as? String == "checkout-fail-1" })
        #expect(Set(failed.compactMap { $0["trace_id"] as? String }).count == 1)
        let reserve = try #require(try sink.records(event: "reserve_inventory_failed").first)
        #expect(reserve["level"] as? String == "error")
        let context = try #require(reserve.field("error_context") as? [String: String])
        #expect(context["status_code"] == "500")
    }

    @Test func whoamiSeesTheContextInAChildTaskAfterAnAwait() async throws {
        let sink = InMemoryLogSink()
        let response = try await withDemo(sink: sink) { port in
            try await fetch(port, "/api/whoami", headers: [("X-Request-ID", "who-1"), ("traceparent", Self.traceparent)])
        }
        let body = try JSONDecoder().decode(WhoAmI.self, from: response.body)
        #expect(body.request_id == "who-1")
        #expect(body.trace_id == Self.incomingTrace)
        #expect(body.parent_span_id == Self.incomingParent)
        let completed = try #require(try sink.records(event: "request_completed").first)
        #expect(body.span_id == completed["span_id"] as? String)
    }

    @Test func whoamiOfARequestThatStartsItsTraceSaysItHasNoParentSpanWithNull() async throws {
        let response = try await withDemo(sink: InMemoryLogSink()) { port in
            try await fetch(port, "/api/whoami", headers: [("X-Request-ID", "who-2")])
        }
        let body = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        #expect(Set(body.keys) == ["request_id", "trace_id", "span_id", "parent_span_id"])
        #expect(body["parent_span_id"] is NSNull)
        #expect(body["request_id"] as? String == "who-2")
        #expect((body["span_id"] as? String)?.count == 16)
    }

    @Test func childProcessInheritsTheRequestIDAndTraceparent() async throws {
        let sink = InMemoryLogSink()
        let response = try await withDemo(sink: sink) { port in
            try await fetch(port, "/api/child", headers: [("X-Request-ID", "child-1"), ("traceparent", Self.traceparent)])
        }
        #expect(response.status == 200)
        let body = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: String])
        #expect(body["REQUEST_ID"] == "child-1")
        let traceparent = try #require(body["TRACEPARENT"].flatMap { TraceParent($0) })
        #expect(traceparent.traceID.description == Self.incomingTrace)
        let completed = try #require(try sink.records(event: "request_completed").first)
        #expect(traceparent.parentID.description == completed["span_id"] as? String, "the child's parent is the gateway's span")
    }

    @Test func plainErrorsAndHTTPErrorsKeepTheirStatusAndEchoTheID() async throws {
        let sink = InMemoryLogSink()
        let (fail, missing, hello) = try await withDemo(sink: sink) { port in
            (
                try await fetch(port, "/api/fail", headers: [("X-Request-ID", "f-1")]),
                try await fetch(port, "/api/missing-item", headers: [("X-Request-ID", "m-1")]),
                try await fetch(port, "/api/hello")
            )
        }
        #expect(fail.status == 500)
        #expect(fail.headers["X-Request-ID"] == ["f-1"])
        #expect(missing.status == 404)
        #expect(missing.headers["X-Request-ID"] == ["m-1"])
        #expect(hello.status == 200)
        #expect(UUIDv7(hello.headers.first(name: "X-Request-ID") ?? "") != nil)
        let failed = try #require(try sink.records(event: "request_failed").first)
        #expect(failed["error_type"] as? String == "DemoServer.DemoServices.DemoFailure")
    }
}
