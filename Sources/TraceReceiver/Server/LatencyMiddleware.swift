import Hummingbird

/// Records each request's duration in the `trace_receiver_http_request_duration_seconds` histogram,
/// labelled by route pattern (never by raw path, which would grow without bound).
struct LatencyMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ReceiverMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        defer {
            let elapsed = start.duration(to: .now)
            metrics.recordLatency(route: context.endpointPath ?? "unmatched", nanoseconds: elapsed.nanoseconds)
        }
        return try await next(request, context)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
