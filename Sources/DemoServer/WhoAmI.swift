import Hummingbird
import RequestTracing

/// The ids a service sees in its task-local context, as returned by `GET /api/whoami`.
struct WhoAmI: ResponseCodable, Equatable {
    var request_id: String?
    var trace_id: String?
    var span_id: String?
    var parent_span_id: String?

    /// Every key is written, `null` when the context has no such id (a request that started its trace
    /// here has no parent span), so a client sees the four names the route promises.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(request_id, forKey: .request_id)
        try container.encode(trace_id, forKey: .trace_id)
        try container.encode(span_id, forKey: .span_id)
        try container.encode(parent_span_id, forKey: .parent_span_id)
    }

    init(_ trace: RequestTraceContext?) {
        request_id = trace?.requestID
        trace_id = trace?.traceID.description
        span_id = trace?.spanID.description
        parent_span_id = trace?.parentSpanID?.description
    }

    /// Reads the context the way application code deep in a request would: in a child task, after a
    /// suspension point.
    static func fromChildTask() async throws -> WhoAmI {
        try await Task.sleep(for: .milliseconds(1))
        async let seen = WhoAmI(RequestTraceContext.current)
        return await seen
    }
}

/// `GET /api/checkout`'s body: what each service saw.
struct CheckoutResult: ResponseCodable, Equatable {
    var gateway: WhoAmI
    var inventory: WhoAmI
}
