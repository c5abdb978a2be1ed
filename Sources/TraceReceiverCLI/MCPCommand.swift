import ArgumentParser
import Foundation
import Logging
import TraceReceiver

/// `trace-receiver mcp`: an MCP server on standard input and output for AI agents, reading a running
/// receiver through its HTTP query API.
struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the MCP tools observe, trace and recent_requests on stdio, reading a running receiver.",
        discussion: """
            Speaks newline-delimited JSON-RPC (MCP) on stdin/stdout; diagnostics go to stderr. Records are read \
            from the receiver's query API (GET /api/debug/logs, /api/debug/trace/{id}), so start `trace-receiver \
            serve` first. A running receiver serves the same tools itself at POST /mcp.
            Example MCP client configuration: {"command": "trace-receiver", "args": ["mcp", "--receiver", "http://127.0.0.1:7890"]}
            """
    )

    @Option(help: "Receiver URL (default: $TRACE_RECEIVER_URL, else http://127.0.0.1:7890).")
    var receiver: String?

    @Option(help: "Level of the diagnostics written to stderr (trace … critical).")
    var logLevel: String = "warning"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // Standard output carries the protocol: every log line goes to standard error.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "trace-receiver.mcp")
        let client = ReceiverClient(receiver: receiver)
        logger.info("MCP server on stdio", metadata: ["receiver": "\(client.baseURL)"])
        try await TraceMCPServer(receiver: client, logger: logger).runStdio()
    }
}
