/// A way to send `GET` requests to a running receiver's query API, for ``TraceMCPServer`` running
/// outside the receiver (`trace-receiver mcp`). The executable supplies one built on its HTTP client;
/// tests can supply their own.
///
/// ```swift
/// struct MyAPI: ReceiverAPI {
///     func get(_ path: String, query: [(name: String, value: String)]) async throws -> ReceiverAPIResponse {
///         // fetch baseURL + path + "?" + query, return status and body bytes
///     }
/// }
/// ```
public protocol ReceiverAPI: Sendable {
    /// GETs `path` (for example `/api/debug/logs`) with the query parameters `query` (not yet
    /// percent-encoded) and returns the answer, whatever its status. Throws only when the receiver
    /// cannot be reached.
    func get(_ path: String, query: [(name: String, value: String)]) async throws -> ReceiverAPIResponse
}

/// One answer from a receiver's query API.
public struct ReceiverAPIResponse: Sendable {
    /// HTTP status code.
    public var status: Int
    /// The body (JSON for the query API).
    public var body: [UInt8]

    /// Creates an answer from its status code and body bytes.
    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}
