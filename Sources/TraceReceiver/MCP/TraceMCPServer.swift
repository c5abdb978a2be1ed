import Foundation
import Logging
import MCP

/// The receiver's MCP server: the tools `observe`, `trace` and `recent_requests` for AI agents, over
/// stdio (`trace-receiver mcp`) or the receiver's own `POST /mcp` endpoint.
///
/// ```swift
/// // Inside an MCP host process, reading a running receiver's query API:
/// let server = TraceMCPServer(receiver: myReceiverAPI)
/// try await server.runStdio()
/// ```
public struct TraceMCPServer: Sendable {
    /// The name announced in `initialize`.
    public static let name = "trace-receiver"
    /// The version announced in `initialize`.
    public static let version = "0.1.0"
    /// Instructions announced in `initialize`.
    static let instructions = """
        Logs and request traces from the trace receiver. Start with recent_requests (failed and slow requests), \
        then trace a request_id to see what happened across the browser and every service, or observe to filter \
        records (backend-logs, frontend-logs, errors, timeline).
        """

    let tools: ObservationTools
    let logger: Logger

    /// A server reading a running receiver through its HTTP query API.
    ///
    /// - Parameters:
    ///   - receiver: How to reach the receiver's `GET /api/debug/…` endpoints.
    ///   - logger: Where the server's own diagnostics go; never stdout, which carries the protocol.
    public init(receiver: any ReceiverAPI, logger: Logger) {
        self.init(source: RemoteObservationSource(api: receiver), logger: logger)
    }

    init(source: any ObservationSource, logger: Logger) {
        self.tools = ObservationTools(source: source)
        self.logger = logger
    }

    /// Serves MCP on standard input and output (newline-delimited JSON-RPC) until input ends.
    public func runStdio() async throws {
        let server = await makeServer()
        try await server.start(transport: StdioTransport(logger: logger))
        await server.waitUntilCompleted()
        await server.stop()
    }

    /// A protocol server with the tools' `tools/list` and `tools/call` handlers registered.
    func makeServer() async -> Server {
        let server = Server(
            name: Self.name,
            version: Self.version,
            instructions: Self.instructions,
            capabilities: .init(tools: .init(listChanged: false))
        )
        let tools = self.tools
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.tools)
        }
        await server.withMethodHandler(CallTool.self) { parameters in
            try await tools.call(parameters.name, arguments: parameters.arguments)
        }
        return server
    }

    /// Answers one MCP streamable-HTTP `POST` (JSON responses, no sessions): a fresh protocol server
    /// handles the message and is stopped afterwards.
    func handle(_ request: MCP.HTTPRequest) async -> MCP.HTTPResponse {
        let transport = StatelessHTTPServerTransport(logger: logger)
        let server = await makeServer()
        do {
            try await server.start(transport: transport)
        } catch {
            return .error(statusCode: 500, .internalError("cannot start the MCP server: \(error)"))
        }
        let response = await transport.handleRequest(request)
        await server.stop()
        return response
    }
}
