import Logging
import RequestTracing
public import Vapor

/// Gives every Vapor request an `X-Request-ID` and a W3C trace, as `RequestTracingMiddleware` does for
/// Hummingbird.
///
/// It keeps a valid incoming `X-Request-ID` or makes a UUIDv7, continues or starts the `traceparent`,
/// binds both to the task (so every `Logger` in the request, child tasks included, writes them through
/// `StructuredLogHandler`), echoes the id on every response, and logs one `request_completed` or
/// `request_failed` record per request with method, path (no query string), status and duration.
///
/// Errors are turned into responses here, so the id reaches those too: an `AbortError` keeps its status
/// and reason (`{"error":true,"reason":…,"request_id":…}`, Vapor's shape); any other error is a JSON 500
/// (`{"error":"internal_error","message":…,"request_id":…}`) and is logged at error level with its type,
/// never sent to the client. Register it first, in place of Vapor's `ErrorMiddleware`:
///
/// ```swift
/// app.middleware = Middlewares()
/// app.middleware.use(RequestTracingVaporMiddleware())
/// ```
public struct RequestTracingVaporMiddleware: AsyncMiddleware {
    /// Creates the middleware.
    public init() {}

    public func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let trace = RequestTraceContext(
            incomingRequestID: request.headers.first(name: TracingHeader.requestID),
            traceparent: request.headers.first(name: TracingHeader.traceparent),
            tracestate: request.headers.first(name: TracingHeader.tracestate)
        )
        // Vapor's own per-request logs (routing, its error reports) carry this id instead of its own.
        request.logger[metadataKey: "request-id"] = .string(trace.requestID)
        let logger = request.logger
        let method = request.method.rawValue
        let path = request.url.path
        let start = ContinuousClock.now
        return await trace.withBound {
            let response: Response
            var failure: (any Error)?
            do {
                response = try await next.respond(to: request)
            } catch let abort as any AbortError {
                response = Self.response(status: abort.status, headers: abort.headers, body: AbortBody(reason: abort.reason, requestID: trace.requestID))
                failure = abort
            } catch {
                response = Self.response(status: .internalServerError, headers: [:], body: InternalErrorBody(requestID: trace.requestID))
                failure = error
            }
            response.headers.replaceOrAdd(name: TracingHeader.requestID, value: trace.requestID)
            let metadata: Logger.Metadata = [
                "method": .string(method), "path": .string(path), "status_code": .stringConvertible(response.status.code),
                "duration_ms": .stringConvertible((ContinuousClock.now - start).milliseconds),
            ]
            if response.status.code >= 500, let failure {
                logger.error("\(failure)", error: failure, metadata: metadata.merging(["event": "request_failed"]) { $1 })
            } else {
                logger.info("\(method) \(path) \(response.status.code)", metadata: metadata.merging(["event": "request_completed"]) { $1 })
            }
            return response
        }
    }

    private struct AbortBody: Encodable {
        let error = true
        let reason: String
        let requestID: String

        enum CodingKeys: String, CodingKey {
            case error, reason
            case requestID = "request_id"
        }
    }

    private struct InternalErrorBody: Encodable {
        let error = "internal_error"
        let message = "The server failed to handle this request."
        let requestID: String

        enum CodingKeys: String, CodingKey {
            case error, message
            case requestID = "request_id"
        }
    }

    private static func response(status: HTTPResponseStatus, headers: HTTPHeaders, body: some Encodable) -> Response {
        var headers = headers
        headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(body)) ?? Data()
        return Response(status: status, headers: headers, body: .init(data: data))
    }
}
