import Foundation
import NIOHTTP1
import Testing

@testable import TraceReceiver

@Suite("POST /mcp: the MCP tools on the receiver's HTTP port")
struct MCPHTTPTests {
    static let headers = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")]

    /// Sends one JSON-RPC message and returns the HTTP reply.
    static func post(_ receiver: RunningReceiver, _ message: [String: Any], headers: [(String, String)] = headers) async throws -> Reply {
        let body = try JSONSerialization.data(withJSONObject: message)
        return try await receiver.request(.POST, "/mcp", body: Array(body), headers: headers)
    }

    /// The `result` of a JSON-RPC answer; fails the test on an error answer.
    static func result(_ reply: Reply, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(reply.status == 200, "\(reply.body)", sourceLocation: sourceLocation)
        return try #require(try reply.object()["result"] as? [String: Any], "\(reply.body)", sourceLocation: sourceLocation)
    }

    @Test func initializeListToolsAndCallObserveOverHTTP() async throws {
        try await withReceiver { receiver in
            try await MCPFixture.seed(receiver)
            let initialize = try Self.result(
                try await Self.post(receiver, [
                    "jsonrpc": "2.0", "id": 1, "method": "initialize",
                    "params": ["protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any], "clientInfo": ["name": "test", "version": "1"]],
                ])
            )
            #expect((initialize["serverInfo"] as? [String: Any])?["name"] as? String == "trace-receiver")
            #expect(initialize["protocolVersion"] as? String == "2025-06-18")
            #expect((initialize["capabilities"] as? [String: Any])?["tools"] != nil)

            let initialized = try await Self.post(receiver, ["jsonrpc": "2.0", "method": "notifications/initialized"])
            #expect(initialized.status == 202)

            let versioned = Self.headers + [("MCP-Protocol-Version", "2025-06-18")]
            let list = try Self.result(try await Self.post(receiver, ["jsonrpc": "2.0", "id": 2, "method": "tools/list"], headers: versioned))
            let tools = try #require(list["tools"] as? [[String: Any]])
            #expect(tools.compactMap { $0["name"] as? String } == ["observe", "trace", "recent_requests"])
            #expect(tools.allSatisfy { ($0["inputSchema"] as? [String: Any])?["type"] as? String == "object" })

            let call = try Self.result(
                try await Self.post(
                    receiver,
                    ["jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": ["name": "observe", "arguments": ["what": "errors", "service": "inventory"]]],
                    headers: versioned
                )
            )
            #expect(call["isError"] as? Bool == false)
            let content = try #require((call["content"] as? [[String: Any]])?.first)
            #expect(content["type"] as? String == "text")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data((content["text"] as? String ?? "").utf8)) as? [String: Any])
            #expect(answer["type"] as? String == "errors")
            #expect(answer["totalCount"] as? Int == 1)
            let logs = try #require(answer["logs"] as? [[String: Any]])
            #expect(logs.first?["error"] as? String == "item 42 is out of stock")

            let bad = try Self.result(
                try await Self.post(receiver, ["jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": ["name": "observe", "arguments": ["what": "all"]]])
            )
            #expect(bad["isError"] as? Bool == true)
        }
    }

    @Test func anUnknownToolIsAJSONRPCError() async throws {
        try await withReceiver { receiver in
            let reply = try await Self.post(receiver, ["jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": ["name": "nope", "arguments": [:] as [String: Any]]])
            let error = try #require(try reply.object()["error"] as? [String: Any], "\(reply.body)")
            #expect(error["code"] as? Int == -32602)
            #expect((error["message"] as? String ?? "").contains("unknown tool 'nope'"), "\(error)")
        }
    }

    @Test func requiresTheIngestTokenWhenOneIsConfigured() async throws {
        try await withReceiver(configure: { $0.ingestToken = "s3cret" }) { receiver in
            let message: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": "tools/list"]
            let refused = try await Self.post(receiver, message)
            #expect(refused.status == 401)
            #expect(refused.errorCode == "unauthorized")
            let accepted = try await Self.post(receiver, message, headers: Self.headers + [("Authorization", "Bearer s3cret")])
            #expect(try (Self.result(accepted)["tools"] as? [Any])?.count == 3)
        }
    }
}
