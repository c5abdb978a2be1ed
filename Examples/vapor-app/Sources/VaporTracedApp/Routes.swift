import RequestTracing
import RequestTracingAsyncHTTPClient
import RequestTracingVapor
import Vapor

/// The ids as a handler reads them from the task's context.
struct Identity: Content {
    let requestID: String
    let traceID: String
    let spanID: String
    let parentSpanID: String?

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case traceID = "trace_id"
        case spanID = "span_id"
        case parentSpanID = "parent_span_id"
    }

    init(_ trace: RequestTraceContext) {
        requestID = trace.requestID
        traceID = trace.traceID.description
        spanID = trace.spanID.description
        parentSpanID = trace.parentSpanID?.description
    }
}

struct Failure: Error {}

/// Installs the middleware (in place of Vapor's default `ErrorMiddleware`) and the example's routes.
func configure(_ app: Application) {
    app.middleware = Middlewares()
    app.middleware.use(RequestTracingVaporMiddleware())

    app.get("api", "hello") { request -> String in
        request.logger.info("saying hello")
        return "hello"
    }
    // Read in a child task after an await: the context follows the request's task tree.
    app.get("api", "whoami") { _ async throws -> Identity in
        try await Task.sleep(for: .milliseconds(1))
        return try await withThrowingTaskGroup(of: Identity.self) { group in
            group.addTask {
                guard let trace = RequestTraceContext.current else { throw Abort(.internalServerError, reason: "no trace context") }
                return Identity(trace)
            }
            return try await group.next()!
        }
    }
    app.get("api", "fail") { _ -> String in throw Failure() }
    app.get("api", "missing-item") { _ -> String in throw Abort(.notFound, reason: "no such item") }
    // Calls this app's own /api/whoami as a downstream service would be called: the request id and a
    // child traceparent travel in the headers.
    app.get("api", "downstream") { request async throws -> Response in
        guard let port = request.application.http.server.shared.localAddress?.port else { throw Abort(.serviceUnavailable) }
        let answer = try await request.client.get("http://127.0.0.1:\(port)/api/whoami") { outgoing in
            outgoing.headers.injectRequestTracing()
        }
        return Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(buffer: answer.body ?? ByteBuffer()))
    }
}
