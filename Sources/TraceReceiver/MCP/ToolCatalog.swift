import Logging
import MCP

/// The MCP tools' names, limits, descriptions and JSON input schemas, as `tools/list` announces them.
enum ToolCatalog {
    /// Tool names.
    static let observeName = "observe"
    static let traceName = "trace"
    static let recentRequestsName = "recent_requests"

    /// `observe`: records returned when `limit` is absent.
    static let observeDefaultLimit = 50
    /// `observe`: most records one call returns.
    static let observeMaximumLimit = 1000
    /// `recent_requests`: requests returned when `limit` is absent.
    static let recentRequestsDefaultLimit = 20
    /// `recent_requests`: most requests one call returns.
    static let recentRequestsMaximumLimit = 200

    static let observeArguments = ["what", "request_id", "service", "level", "since", "text", "fields", "limit"]
    static let traceArguments = ["request_id"]
    static let recentRequestsArguments = ["limit", "since", "service", "level", "text", "fields"]

    /// Every tool, in the order `tools/list` returns them.
    static let all: [Tool] = [observe, trace, recentRequests]

    static let levels: Value = .array(Logger.Level.allCases.map { .string($0.rawValue) })

    static let levelSchema: Value = [
        "type": "string",
        "enum": levels,
        "description": "Minimum level (inclusive), e.g. \"warning\" returns warning, error and critical. Aliases warn, err and fatal are accepted.",
    ]

    static let textSchema: Value = [
        "type": "string",
        "maxLength": 1000,
        "description":
            "Only records whose message or error holds all these words (each matching where a word begins, ignoring case and accents), e.g. \"card declined\". A word @key=value (or @key:\"a value\") is a field condition, as in `fields`.",
        "examples": ["card declined", "timeout @status_code=504"],
    ]

    static let fieldsSchema: Value = [
        "type": "object",
        "description":
            "Only records whose fields hold these values (all of them), e.g. {\"pod\":\"shop-7d9f8-x2k4q\",\"status_code\":500}; numbers compare as numbers. Up to 8.",
        "additionalProperties": ["type": ["string", "number", "boolean"]],
        "maxProperties": .int(FieldCondition.maximumConditions),
    ]

    static let sinceSchema: Value = [
        "type": "string",
        "description":
            "Only records at or after this time: a span back from now (30s, 30m, 1h, 2d, 1w) or an RFC 3339 timestamp (2026-01-31T10:00:00Z). Default: no lower bound.",
        "examples": ["30m", "1h", "2026-01-31T10:00:00Z"],
    ]

    static let serviceSchema: Value = [
        "type": "string",
        "description": "Only records from this service (exact name as it appears in records' \"service\"), e.g. \"gateway\".",
        "examples": ["gateway", "inventory"],
    ]

    static let observe = Tool(
        name: observeName,
        title: "Observe logs",
        description: """
            Read log records stored by the trace receiver (servers' structured logs, captured process output and browser reports).
            `what` chooses the set: "backend-logs" (server records: streamed by the library and captured from processes), \
            "frontend-logs" (browser reports), "errors" (level error or above, every source), "timeline" (with request_id: that \
            request's merged browser + backend records across all services, oldest first; without: the latest records of every \
            source, oldest first). Other kinds are newest first.
            Answers JSON text {"type":<what>,"logs":[records],"totalCount":<matches before limit>,"oldestTimestamp":<oldest match, omitted when none>}; \
            each record is {"timestamp","level","service","source","event","message","request_id","trace_id","span_id",\
            "parent_span_id","duration_ms","error","error_type","stack","fields"} with absent keys omitted.
            Example: {"what":"errors","service":"gateway","since":"30m"}; {"what":"backend-logs","text":"card declined"}.
            """,
        inputSchema: [
            "type": "object",
            "properties": [
                "what": [
                    "type": "string",
                    "enum": .array(ObserveKind.allCases.map { .string($0.rawValue) }),
                    "description": "Which records: backend-logs, frontend-logs, errors or timeline (see the tool description).",
                ],
                "request_id": [
                    "type": "string",
                    "description":
                        "Only records of this request (its X-Request-ID). With what=timeline a trace id works too and the browser's and every service's records are merged.",
                    "examples": ["0190f3a2-6b1c-7d4e-8f00-123456789abc"],
                ],
                "service": serviceSchema,
                "level": levelSchema,
                "since": sinceSchema,
                "text": textSchema,
                "fields": fieldsSchema,
                "limit": [
                    "type": "integer",
                    "minimum": 1,
                    "maximum": .int(observeMaximumLimit),
                    "default": .int(observeDefaultLimit),
                    "description": "Most records to return (totalCount still counts every match).",
                ],
            ],
            "required": ["what"],
            "additionalProperties": false,
        ],
        annotations: .init(title: "Observe logs", readOnlyHint: true, idempotentHint: true, openWorldHint: false)
    )

    static let trace = Tool(
        name: traceName,
        title: "Trace one request",
        description: """
            Everything that happened to one request, across the browser and every service, as compact text: a header (request id, \
            trace id, start time, total duration, services, error count), then one line per record, oldest first \
            ("+offset_ms service level event: message [duration] [error]"), then the span tree indented by parent \
            (service, name, duration, ok/ERROR). Returns an error result when no record has that request id or trace id.
            Example: {"request_id":"0190f3a2-6b1c-7d4e-8f00-123456789abc"}.
            """,
        inputSchema: [
            "type": "object",
            "properties": [
                "request_id": [
                    "type": "string",
                    "description": "The request's X-Request-ID, or its W3C trace id (32 hex digits).",
                    "examples": ["0190f3a2-6b1c-7d4e-8f00-123456789abc", "4bf92f3577b34da6a3ce929d0e0e4736"],
                ]
            ],
            "required": ["request_id"],
            "additionalProperties": false,
        ],
        annotations: .init(title: "Trace one request", readOnlyHint: true, idempotentHint: true, openWorldHint: false)
    )

    static let recentRequests = Tool(
        name: recentRequestsName,
        title: "Recent requests",
        description: """
            The latest HTTP requests (the web page's list: those with a record matching service, level, since, text and \
            fields; each summarised from its hops' request_completed / request_failed records, OpenTelemetry HTTP server \
            spans included), one entry per request id (a request without one, per trace id), at most the latest 500: \
            failed ones first (request_failed or status 5xx), then the slowest. Answers JSON text \
            {"requests":[{"request_id","trace_id","method","path","status","duration_ms","services":[…],"failed","error",\
            "timestamp"}],"count"}; absent keys omitted. Pass a request_id (or, without one, the trace_id) to the trace \
            tool to see what happened inside one.
            Example: {"since":"15m","limit":10}; {"text":"timeout","service":"inventory"}.
            """,
        inputSchema: [
            "type": "object",
            "properties": [
                "limit": [
                    "type": "integer",
                    "minimum": 1,
                    "maximum": .int(recentRequestsMaximumLimit),
                    "default": .int(recentRequestsDefaultLimit),
                    "description": "Most requests to return.",
                ],
                "since": sinceSchema,
                "service": serviceSchema,
                "level": levelSchema,
                "text": textSchema,
                "fields": fieldsSchema,
            ],
            "additionalProperties": false,
        ],
        annotations: .init(title: "Recent requests", readOnlyHint: true, idempotentHint: true, openWorldHint: false)
    )
}
