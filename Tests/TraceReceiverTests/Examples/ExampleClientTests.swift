import Foundation
import TestSupport
import Testing

@testable import TraceReceiver

/// The clients in `Examples/`, run for real against a receiver holding known records.
@Suite("Examples/ clients")
struct ExampleClientTests {
    static let examples = packageRoot.appendingPathComponent("Examples").path

    /// r1: a failing request through two services (one message with a tab, a newline and a terminal
    /// escape), plus an unrelated record of another request.
    static func seed(_ receiver: RunningReceiver) async throws {
        let lines = [
            recordLine([
                "service": "inventory", "request_id": "ex-r1", "level": "warning", "event": "slow_query",
                "message": "line one\nline\ttwo \u{1B}[31mred", "timestamp": "2026-11-23T10:00:00.100Z",
            ]),
            recordLine([
                "service": "gateway", "request_id": "ex-r1", "level": "error", "event": "request_failed",
                "message": "GET /checkout 500", "error": "inventory down", "duration_ms": 12.5,
                "timestamp": "2026-11-23T10:00:00.200Z", "fields": ["method": "GET", "path": "/checkout", "status_code": 500],
            ]),
            recordLine(["service": "gateway", "request_id": "ex-r2", "message": "hello", "timestamp": "2026-11-23T10:00:01.000Z"]),
        ]
        #expect(try await receiver.postLogs(lines.joined(separator: "\n")).counts() == Counts(accepted: 3))
    }

    /// The tab-separated columns of each output line.
    static func rows(_ output: String) -> [[String]] {
        output.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test(arguments: ["python", "shell"])
    func clientPrintsOneEscapedLinePerRecordAndExplainsErrors(_ client: String) async throws {
        let command = client == "python" ? ["python3", Self.examples + "/python-client/trace_logs.py"] : ["bash", Self.examples + "/shell/trace-logs.sh"]
        try await withReceiver(configure: { $0.store = .memory }) { (receiver) async throws in
            try await Self.seed(receiver)
            let run = try await runProgram(command + ["--receiver", receiver.baseURL, "--request-id", "ex-r1"])
            #expect(run.status == 0, "\(run.stderr)")
            let rows = Self.rows(run.stdout)
            // Newest first: TIMESTAMP LEVEL SERVICE REQUEST_ID EVENT MESSAGE, controls escaped onto one line.
            #expect(rows.map { $0.count } == [6, 6])
            #expect(rows.map { $0[1] } == ["error", "warning"])
            #expect(rows.map { $0[3] } == ["ex-r1", "ex-r1"])
            #expect(rows.last?[5] == "line one\\nline\\ttwo \\x1b[31mred" || rows.last?[5] == "line one\\nline\\ttwo \\x1B[31mred")

            let filtered = try await runProgram(command + ["--receiver", receiver.baseURL, "--level", "error", "--query", "checkout"])
            #expect(Self.rows(filtered.stdout).map { $0[5] } == ["GET /checkout 500"])

            let trace = try await runProgram(command + ["--receiver", receiver.baseURL, "--trace", "ex-r1"])
            #expect(trace.status == 0, "\(trace.stderr)")
            #expect(trace.stdout.contains("GET /checkout 500"))
            #expect(trace.stdout.contains("inventory"))

            // The receiver's error message reaches stderr; HTTP errors exit 2, an unreachable receiver 3.
            let bad = try await runProgram(command + ["--receiver", receiver.baseURL, "--level", "loud"])
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("level"), "\(bad.stderr)")
            let unknown = try await runProgram(command + ["--receiver", receiver.baseURL, "--trace", "no-such-request"])
            #expect(unknown.status == 2)
            let port = try unusedLoopbackPort()
            let down = try await runProgram(command + ["--receiver", "http://127.0.0.1:\(port)"])
            #expect(down.status == 3, "\(down.stderr)")
        }
    }

    @Test(arguments: ["python", "shell"])
    func clientReadsAReceiverThatHasATokenWithTheTokenFromTheEnvironment(_ client: String) async throws {
        let command = client == "python" ? ["python3", Self.examples + "/python-client/trace_logs.py"] : ["bash", Self.examples + "/shell/trace-logs.sh"]
        let token = "ex s3cret"
        try await withReceiver(configure: { $0.store = .memory; $0.ingestToken = token }) { (receiver) async throws in
            let line = recordLine(["service": "gateway", "request_id": "ex-t1", "message": "behind the token", "timestamp": "2026-11-23T10:00:00Z"])
            #expect(try await receiver.postLogs(line, headers: [("Authorization", "Bearer \(token)")]).counts() == Counts(accepted: 1))
            let refused = try await runProgram(command + ["--receiver", receiver.baseURL, "--request-id", "ex-t1"], environment: ["TRACE_RECEIVER_INGEST_TOKEN": ""])
            #expect(refused.status == 2, "\(refused.stderr)")
            #expect(refused.stderr.contains("token"), "\(refused.stderr)")
            let allowed = try await runProgram(command + ["--receiver", receiver.baseURL, "--request-id", "ex-t1"], environment: ["TRACE_RECEIVER_INGEST_TOKEN": token])
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(Self.rows(allowed.stdout).map { $0[5] } == ["behind the token"])
            let trace = try await runProgram(command + ["--receiver", receiver.baseURL, "--trace", "ex-t1"], environment: ["TRACE_RECEIVER_INGEST_TOKEN": token])
            #expect(trace.status == 0, "\(trace.stderr)")
        }
    }

    @Test
    func pythonClientFollowsCursorsWithAll() async throws {
        try await withReceiver(configure: { $0.store = .memory }) { (receiver) async throws in
            try await Self.seed(receiver)
            let script = Self.examples + "/python-client/trace_logs.py"
            let one = try await runProgram(["python3", script, "--receiver", receiver.baseURL, "--limit", "1"])
            #expect(Self.rows(one.stdout).count == 1)
            let all = try await runProgram(["python3", script, "--receiver", receiver.baseURL, "--limit", "1", "--all"])
            #expect(Self.rows(all.stdout).map { $0[3] } == ["ex-r2", "ex-r1", "ex-r1"])
        }
    }

    @Test
    func browserSnippetPassesItsUnitTestsUnderNode() async throws {
        let probe = try await runProgram(["node", "--version"])
        try #require(probe.status == 0, "node is required for this test (.ci/run installs nodejs): \(probe.stderr)")
        let run = try await runProgram(["node", "--test", Self.examples + "/browser/"], timeout: 180)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("# fail 0"), "\(run.stdout)")
    }
}
