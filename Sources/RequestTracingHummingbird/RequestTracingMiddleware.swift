import HTTPTypes
public import Hummingbird
public import Logging
import RequestTracing

/// Hummingbird middleware that gives every request an id and a place in a W3C trace, binds them to the
/// task, echoes `X-Request-ID` on every response, and logs each request's outcome.
///
/// Per request it:
/// - keeps a valid incoming `X-Request-ID` (see ``RequestTracing/RequestID``) or makes a UUIDv7, and
///   continues the caller's `traceparent` with a new span (or starts a trace);
/// - binds the ``RequestTracing/RequestTraceContext`` task-locally and `Logger.current` to the request's
///   logger, whose `hb.request.id` becomes the request id, so `context.id` returns it too;
/// - logs `request_received` (debug), then `request_completed` (info: method, path, status_code,
///   duration_ms) or `request_failed` (error, with error and error_type, for 5xx);
/// - sets `X-Request-ID` on every response, including `HTTPError`s and unmatched routes (404);
/// - turns errors Hummingbird does not recognise into a JSON 500 body
///   `{"error":"internal_error","message":…,"request_id":…}` instead of an empty one, while
///   `HTTPResponseError`s keep their status and body.
///
/// Hummingbird applies router middleware only to routes added after it, so add this one first:
///
/// ```swift
/// let router = Router()
/// router.add(middleware: RequestTracingMiddleware())
/// router.get("/hello") { _, _ in "hi" }
/// ```
public struct RequestTracingMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Options for ``RequestTracingMiddleware``.
    public struct Configuration: Sendable {
        /// Whether the logged `path` includes the query string. Off by default: queries often carry
        /// tokens and personal data.
        public var logsQueryString: Bool
        /// The level of `request_completed` records.
        public var completedLevel: Logger.Level

        /// Creates a configuration.
        public init(logsQueryString: Bool = false, completedLevel: Logger.Level = .info) {
            self.logsQueryString = logsQueryString
            self.completedLevel = completedLevel
        }
    }

    private let configuration: Configuration

    /// Creates the middleware.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let trace = request.headers.extractRequestTracing()
        var context = context
        context.logger[metadataKey: "hb.request.id"] = .string(trace.requestID)
        let logger = context.logger
        let path = configuration.logsQueryString ? request.uri.description : request.uri.path
        let start = ContinuousClock.now

        return try await trace.withBound {
            try await withLogger(logger) { logger in
                logger.debug(
                    "request received",
                    metadata: ["event": "request_received", "method": .string(request.method.rawValue), "path": .string(path)]
                )
                var response: Response
                do {
                    response = try await next(request, context)
                    logOutcome(logger, request: request, path: path, status: response.status, error: nil, since: start, trace: trace)
                } catch let error as any HTTPResponseError {
                    response = try error.response(from: request, context: context)
                    logOutcome(logger, request: request, path: path, status: response.status, error: error, since: start, trace: trace)
                } catch {
                    response = Self.internalErrorResponse(requestID: trace.requestID)
                    logOutcome(logger, request: request, path: path, status: .internalServerError, error: error, since: start, trace: trace)
                }
                // Appended unless the handler set one (the subscript setter would search the fields to
                // replace every existing value first).
                if response.headers.contains(.xRequestID) {
                    response.headers[.xRequestID] = trace.requestID
                } else {
                    response.headers.append(HTTPField(name: .xRequestID, value: trace.requestID))
                }
                return response
            }
        }
    }

    private func logOutcome(
        _ logger: Logger,
        request: Request,
        path: String,
        status: HTTPResponse.Status,
        error: (any Error)?,
        since start: ContinuousClock.Instant,
        trace: RequestTraceContext
    ) {
        if status.code >= 500, let error {
            let duration = (ContinuousClock.now - start).milliseconds
            logger.error(
                "\(error)",
                error: error,
                metadata: [
                    "event": "request_failed", "method": .string(request.method.rawValue), "path": .string(path),
                    "status_code": .stringConvertible(status.code), "duration_ms": .stringConvertible(duration),
                ]
            )
        } else {
            let level = configuration.completedLevel
            guard logger.logLevel <= level else { return }
            let duration = (ContinuousClock.now - start).milliseconds
            // Our handler writes this record directly, without a metadata dictionary or message string.
            if let handler = logger.handler as? StructuredLogHandler,
                handler.logRequestCompleted(
                    level: level,
                    method: request.method.rawValue,
                    path: path,
                    statusCode: status.code,
                    durationMS: duration,
                    trace: trace
                )
            {
                return
            }
            logger.log(
                level: level,
                "\(request.method.rawValue) \(path) \(status.code)",
                metadata: [
                    "event": "request_completed", "method": .string(request.method.rawValue), "path": .string(path),
                    "status_code": .stringConvertible(status.code), "duration_ms": .stringConvertible(duration),
                ]
            )
        }
    }

    static func internalErrorResponse(requestID: String) -> Response {
        // The request id is validated or generated, so it needs no escaping; the cause is logged, never sent.
        let body = #"{"error":"internal_error","message":"The server failed to handle this request.","request_id":"\#(requestID)"}"#
        return Response(
            status: .internalServerError,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }
}
