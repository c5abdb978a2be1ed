import AsyncHTTPClient
import Foundation
import MCP
import NIOCore
import Testing

@testable import TraceReceiver

/// Known records for the MCP tests: a checkout failing in inventory (gateway → inventory, one request
/// id, a span tree and errors), the browser's report of it, two successful requests and a line captured
/// from a worker process.
enum MCPFixture {
    static let failingRequest = "mcp-checkout-1"
    static let slowRequest = "mcp-hello-1"
    static let fastRequest = "mcp-whoami-1"
    static let traceID = "5bf92f3577b34da6a3ce929d0e0e4736"
    static let gatewaySpan = "10f067aa0ba902b7"
    static let inventorySpan = "3333333333333333"

    static func seed(_ receiver: RunningReceiver) async throws {
        let start = Date().addingTimeInterval(-60)
        func at(_ ms: Double) -> String { timestamp(secondsAgo: -ms / 1000, from: start) }
        let gateway: [String: Any] = ["service": "gateway", "trace_id": traceID, "request_id": failingRequest, "span_id": gatewaySpan]
        let inventory: [String: Any] = [
            "service": "inventory", "trace_id": traceID, "request_id": failingRequest, "span_id": inventorySpan, "parent_span_id": gatewaySpan,
        ]
        func line(_ base: [String: Any], _ extra: [String: Any]) -> String { recordLine(base.merging(extra) { $1 }) }
        let backend = [
            line(gateway, ["timestamp": at(0), "level": "debug", "event": "request_received", "message": "GET /api/checkout"]),
            line(inventory, ["timestamp": at(20), "level": "debug", "event": "request_received", "message": "GET /api/reserve"]),
            line(inventory, [
                "timestamp": at(40), "level": "error", "event": "request_failed", "message": "request failed", "duration_ms": 20,
                "error": "item 42 is out of stock", "error_type": "OutOfStock",
                "fields": ["method": "GET", "path": "/api/reserve", "status_code": 500],
            ]),
            line(gateway, [
                "timestamp": at(50), "level": "error", "event": "request_failed", "message": "request failed", "duration_ms": 50,
                "error": "inventory answered 500", "error_type": "HTTPError",
                "fields": ["method": "GET", "path": "/api/checkout", "status_code": 500],
            ]),
            recordLine([
                "timestamp": at(1000), "service": "gateway", "event": "request_completed", "message": "request completed",
                "request_id": slowRequest, "duration_ms": 120, "fields": ["method": "GET", "path": "/api/hello", "status_code": 200],
            ]),
            recordLine([
                "timestamp": at(2000), "service": "gateway", "event": "request_completed", "message": "request completed",
                "request_id": fastRequest, "duration_ms": 10, "fields": ["method": "GET", "path": "/api/whoami", "status_code": 200],
            ]),
        ]
        #expect(try await receiver.postLogs(backend.joined(separator: "\n")).counts() == Counts(accepted: 6))
        let captured = recordLine(["timestamp": at(3000), "service": "worker", "level": "warning", "message": "queue is slow"])
        #expect(try await receiver.postLogs(captured, query: "?source=capture").counts() == Counts(accepted: 1))
        let report = recordLine(["timestamp": at(60), "level": "error", "message": "checkout failed: 500", "context": ["url": "http://localhost:8080/shop"]])
        let reply = try await receiver.postFrontend(report, headers: [("Content-Type", "text/plain"), ("X-Request-ID", failingRequest)])
        #expect(reply.status == 202, "\(reply.body)")
    }
}

/// How a test's tools read the receiver: straight from its store (as `POST /mcp` does) or through its
/// HTTP query API (as `trace-receiver mcp` does).
enum ToolSourceKind: String, CaseIterable, CustomTestStringConvertible {
    case store, api
    var testDescription: String { rawValue }

    func tools(for receiver: RunningReceiver) -> ObservationTools {
        switch self {
        case .store:
            ObservationTools(source: StoreObservationSource(
                store: receiver.store,
                assembler: TraceAssembler(store: receiver.store, window: 5_000_000, limit: receiver.receiver.configuration.traceTimelineLimit)
            ))
        case .api:
            ObservationTools(source: RemoteObservationSource(api: HTTPReceiverAPI(baseURL: receiver.baseURL)))
        }
    }
}

/// A ``ReceiverAPI`` over AsyncHTTPClient, as the `trace-receiver` executable has.
struct HTTPReceiverAPI: ReceiverAPI {
    let baseURL: String
    /// How long one request may take (short for a receiver that is known not to answer).
    var timeout = TimeAmount.seconds(30)

    func get(_ path: String, query: [(name: String, value: String)]) async throws -> ReceiverAPIResponse {
        var components = try #require(URLComponents(string: baseURL + path))
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.name, value: $0.value) } }
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: try #require(components.string)), timeout: timeout)
        let body = try await response.body.collect(upTo: 64 << 20)
        return ReceiverAPIResponse(status: Int(response.status.code), body: Array(body.readableBytesView))
    }
}

extension CallTool.Result {
    /// The text of the first content item.
    var text: String {
        for item in content { if case .text(let text, _, _) = item { return text } }
        return ""
    }

    /// The text parsed as a JSON object; fails the test when it is not one.
    func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "expected a JSON object, got \(text)",
            sourceLocation: sourceLocation
        )
    }

    /// The `logs` of an observe answer.
    func logs(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        try #require(try object(sourceLocation: sourceLocation)["logs"] as? [[String: Any]], sourceLocation: sourceLocation)
    }
}
