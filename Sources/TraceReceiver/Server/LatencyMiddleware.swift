import Hummingbird

/// Records each request's duration in the `trace_receiver_http_request_duration_seconds` histogram,
/// labelled by route pattern (never by raw path, which would grow without bound).
struct LatencyMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ReceiverMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        defer {
            metrics.recordLatency(route: context.endpointPath ?? "unmatched", start.duration(to: .now))
        }
        return try await next(request, context)
    }
}

