/// What a key of a foreign structured line (JSON or logfmt) means, across the common loggers:
/// pino, bunyan, structlog, python-json-logger, zap, Go's slog, logrus, OpenTelemetry JSON, the Elastic
/// Common Schema's (ecs-logging for Java, .NET, Go, Node.js, Python, Ruby), .NET's
/// (Microsoft.Extensions.Logging's JSON console formatter, Serilog's compact and plain JSON), and our own.
enum CaptureFieldKey: Equatable {
    /// `message`: the message, strongest claim.
    case message
    /// `msg`, `short_message`: the message unless `message` is present.
    case messageAlias
    /// Serilog's `@mt`, `MessageTemplate`: the message, its `{Property}` holes filled from the record's
    /// properties, unless a rendered message (`@m`, `RenderedMessage`) is present.
    case messageTemplate
    /// Serilog's `@r`: the renderings of the template's holes that have a format, in order.
    case renderings
    /// `event`: the event name, or structlog's message when nothing else is the message.
    case event
    /// OpenTelemetry `body`: a string or `{"stringValue": …}`.
    case body
    /// A timestamp; a lower priority number wins when several are present.
    case timestamp(priority: Int)
    /// A level name or number (pino/bunyan numbers).
    case level
    /// OpenTelemetry `severityNumber` (1–24).
    case severityNumber
    case service
    /// bunyan's and pino's `name` (the app); a logger name in python-json-logger.
    case name
    case requestID
    /// pino-http's `req`: a string id, or an object with an `id`.
    case request
    case traceID
    case spanID
    case parentSpanID
    case traceparent
    /// `error`, `err`: a string, or an object with `message`, `type`/`name` and `stack`/`stack_trace`.
    case error
    case errorType
    /// A stack or traceback text: `stack`, `stacktrace`, `exc_info`, `exception`.
    case stack
    /// A .NET exception's text (`Exception`, Serilog's `@x`): its type, message and stack (see
    /// ``DotNetException``).
    case dotNetException
    /// Microsoft.Extensions.Logging's `State` (the message's values) and `Scopes` (the request's scopes),
    /// and Serilog's `Properties`: objects whose members are ids or fields, read as such on lines that
    /// are those loggers' (see ``JSONLineParser``).
    case dotNetState, dotNetScopes, serilogProperties
    case durationMS
    /// Our own `fields` object: its members become fields.
    case fields
    case other

    /// Classifies a raw key.
    init(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        // Only the names of the key's length are compared: every member of every captured JSON or logfmt
        // line is classified.
        if range.count < Self.byLength.count {
            for (name, key) in Self.byLength[range.count] where CaptureBytes.hasPrefix(bytes, at: range.lowerBound, name) {
                self = key
                return
            }
        }
        self = .other
    }

    /// ``table`` by the names' lengths, in its order.
    private static let byLength: [[(StaticString, CaptureFieldKey)]] = {
        var lists = Array(repeating: [(StaticString, CaptureFieldKey)](), count: table.map(\.0.utf8CodeUnitCount).max()! + 1)
        for entry in table { lists[entry.0.utf8CodeUnitCount].append(entry) }
        return lists
    }()

    private static let table: [(StaticString, CaptureFieldKey)] = [
        ("message", .message), ("msg", .messageAlias), ("event", .event), ("body", .body), ("short_message", .messageAlias),
        // .NET: Microsoft.Extensions.Logging's JSON console formatter, Serilog's compact (CLEF) and plain JSON.
        ("Message", .message), ("@m", .message), ("RenderedMessage", .message), ("@mt", .messageTemplate),
        ("MessageTemplate", .messageTemplate), ("@r", .renderings), ("Timestamp", .timestamp(priority: 0)),
        ("@t", .timestamp(priority: 0)), ("LogLevel", .level), ("Level", .level), ("@l", .level),
        ("Exception", .dotNetException), ("@x", .dotNetException), ("TraceId", .traceID), ("@tr", .traceID),
        ("SpanId", .spanID), ("@sp", .spanID), ("ParentId", .parentSpanID), ("RequestId", .requestID),
        ("State", .dotNetState), ("Scopes", .dotNetScopes), ("Properties", .serilogProperties),
        ("timestamp", .timestamp(priority: 0)), ("@timestamp", .timestamp(priority: 1)), ("time", .timestamp(priority: 2)),
        ("ts", .timestamp(priority: 3)), ("timeUnixNano", .timestamp(priority: 4)), ("asctime", .timestamp(priority: 5)),
        ("datetime", .timestamp(priority: 6)), ("observedTimeUnixNano", .timestamp(priority: 7)),
        ("level", .level), ("levelname", .level), ("severity", .level), ("severityText", .level),
        ("severity_text", .level), ("lvl", .level), ("log.level", .level), ("levelName", .level), ("level_name", .level),
        ("severityNumber", .severityNumber),
        ("service", .service), ("service.name", .service), ("service_name", .service), ("serviceName", .service),
        ("name", .name),
        ("request_id", .requestID), ("requestId", .requestID), ("requestID", .requestID), ("req_id", .requestID),
        ("reqId", .requestID), ("x-request-id", .requestID), ("X-Request-ID", .requestID), ("x_request_id", .requestID),
        ("http.request.id", .requestID), ("request-id", .requestID),
        ("correlation_id", .requestID), ("correlationId", .requestID), ("correlationID", .requestID), ("req", .request),
        ("trace_id", .traceID), ("traceId", .traceID), ("traceID", .traceID), ("trace.id", .traceID),
        ("span_id", .spanID), ("spanId", .spanID), ("spanID", .spanID), ("span.id", .spanID),
        // Google Cloud's structured logging (`projects/PROJECT/traces/ID`).
        ("logging.googleapis.com/trace", .traceID), ("logging.googleapis.com/spanId", .spanID),
        ("parent_span_id", .parentSpanID), ("parentSpanId", .parentSpanID), ("traceparent", .traceparent),
        ("error", .error), ("err", .error), ("error_type", .errorType), ("errorType", .errorType),
        ("stack", .stack), ("stacktrace", .stack), ("stack_trace", .stack), ("exc_info", .stack), ("exception", .stack),
        // ECS and OpenTelemetry's exception attributes, as dotted top-level keys.
        ("error.message", .error), ("error.type", .errorType), ("error.stack_trace", .stack),
        ("exception.message", .error), ("exception.type", .errorType), ("exception.stacktrace", .stack),
        ("duration_ms", .durationMS), ("fields", .fields),
    ]
}
