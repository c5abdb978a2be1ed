/// What the `observe` tool returns (its `what` argument).
enum ObserveKind: String, CaseIterable, Sendable {
    /// Records from servers: streamed by the library (`source: backend`) and captured from wrapped
    /// commands, files and SSH tails (`source: capture`).
    case backendLogs = "backend-logs"
    /// Browser reports (`source: frontend`).
    case frontendLogs = "frontend-logs"
    /// Records at `error` level or above, from every source.
    case errors
    /// With `request_id`: that request's merged timeline (browser and every service, oldest first).
    /// Without: the latest records from every source, oldest first.
    case timeline
}
