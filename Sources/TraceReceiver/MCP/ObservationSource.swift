/// Where the MCP tools read records from: the receiver's own store (the daemon's `/mcp` endpoint) or a
/// running receiver's HTTP query API (`trace-receiver mcp`). Both answer with the same types, so the
/// tools have one implementation.
protocol ObservationSource: Sendable {
    /// Records matching `query`, newest first, one page (as `GET /api/debug/logs`).
    func search(_ query: LogQuery) async throws -> LogPage

    /// The merged timeline of a request id or trace id, or `nil` when nothing matches (as
    /// `GET /api/debug/trace/{id}`).
    func trace(id: String) async throws -> TraceTimeline?

    /// Up to `limit` latest requests with a record matching `filter`, newest first (as `GET /api/requests`).
    func requests(matching filter: LogQuery, limit: Int) async throws -> [RecentRequest]
}
