import Foundation
import Testing

@testable import TraceReceiver

@Suite("trace-receiver mcp driven by a real MCP client (Python mcp package) over stdio")
struct MCPClientTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("mcp_client.py").path

    @Test func pythonClientListsToolsAndCallsObserveAndTrace() async throws {
        let probe = try await runPython(["-c", "import mcp.client.stdio"])
        try #require(
            probe.status == 0,
            "the Python package 'mcp' is required for this test and is not installed: run `python3 -m pip install mcp` (.ci/run does). \(probe.stderr)"
        )
        let executable = try builtExecutable("trace-receiver").path
        try await withReceiver { receiver in
            try await MCPFixture.seed(receiver)
            let run = try await runPython([Self.script, executable, receiver.baseURL, MCPFixture.failingRequest])
            try #require(run.status == 0, "the MCP client failed (status \(run.status)): \(run.stderr)")
            let seen = try #require(
                try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "client output: \(run.stdout) \(run.stderr)"
            )
            #expect(seen["server"] as? String == "trace-receiver")
            let tools = try #require(seen["tools"] as? [String: [String: Any]])
            #expect(Set(tools.keys) == ["observe", "trace", "recent_requests"])
            #expect(tools["observe"]?["properties"] as? [String] == ["fields", "level", "limit", "request_id", "service", "since", "text", "what"])

            let errors = try #require(seen["errors"] as? [String: Any])
            #expect(errors["is_error"] as? Bool == false)
            let errorsAnswer = try #require(errors["answer"] as? [String: Any])
            #expect(errorsAnswer["type"] as? String == "errors")
            #expect(errorsAnswer["totalCount"] as? Int == 3)
            #expect((errorsAnswer["logs"] as? [[String: Any]])?.allSatisfy { $0["level"] as? String == "error" } == true)

            let timeline = try #require((seen["timeline"] as? [String: Any])?["answer"] as? [String: Any])
            let services = (timeline["logs"] as? [[String: Any]])?.compactMap { $0["service"] as? String }
            #expect(services == ["gateway", "inventory", "inventory", "gateway", "frontend"])

            let trace = try #require(seen["trace"] as? [String: Any])
            #expect(trace["is_error"] as? Bool == false)
            let text = trace["text"] as? String ?? ""
            #expect(text.hasPrefix("request \(MCPFixture.failingRequest)  trace \(MCPFixture.traceID)"), "\(text)")
            #expect(text.contains("error=OutOfStock: item 42 is out of stock"), "\(text)")
            #expect(text.contains("spans:\n  gateway GET /api/checkout 50.0 ms ERROR\n    inventory GET /api/reserve 20.0 ms ERROR"), "\(text)")

            let missing = try #require(seen["missing"] as? [String: Any])
            #expect(missing["is_error"] as? Bool == true)
            #expect((missing["text"] as? String ?? "").contains("no records for request or trace id no-such-request"))
            let bad = try #require(seen["bad"] as? [String: Any])
            #expect(bad["is_error"] as? Bool == true)
            #expect((bad["text"] as? String ?? "").contains("'everything'"))
        }
    }
}
