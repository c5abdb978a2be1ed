/// An error that carries the request it happened in: request id, trace and span ids, when it happened,
/// what was being done, the underlying cause and its type, and caller-supplied context fields.
///
/// Wrap an error where you still know what you were doing; log or return it anywhere:
///
/// ```swift
/// do {
///     try await payments.charge(order)
/// } catch {
///     throw TracedError("charging the card failed", cause: error, context: ["order_id": order.id])
/// }
/// ```
///
/// Wrapping a `TracedError` again keeps the original cause and merges the context (inner values win
/// for keys set twice, since they were closer to the failure). Encodes as JSON with snake_case keys.
public struct TracedError: Error, CustomStringConvertible, Encodable {
    /// What was being done when the error happened.
    public let message: String
    /// The underlying error.
    public let cause: any Error
    /// `String(describing:)` of the underlying error.
    public let causeDescription: String
    /// The underlying error's type, fully qualified.
    public let causeType: String
    /// The request id, when a request was bound.
    public let requestID: String?
    /// The trace id, when a request was bound.
    public let traceID: String?
    /// The span id, when a request was bound.
    public let spanID: String?
    /// When the error was wrapped, RFC 3339 UTC.
    public let timestamp: String
    /// Caller-supplied context fields.
    public let context: [String: String]

    /// Wraps `cause` with the bound request's ids and `context`.
    public init(_ message: String, cause: any Error, context: [String: String] = [:], trace: RequestTraceContext? = .current) {
        self.message = message
        self.timestamp = UTCTimestamp.now().description
        if let inner = cause as? TracedError {
            self.cause = inner.cause
            self.causeDescription = "\(inner.message): \(inner.causeDescription)"
            self.causeType = inner.causeType
            self.context = context.merging(inner.context) { _, inner in inner }
            self.requestID = inner.requestID ?? trace?.requestID
            self.traceID = inner.traceID ?? trace?.traceID.description
            self.spanID = inner.spanID ?? trace?.spanID.description
        } else {
            self.cause = cause
            self.causeDescription = String(describing: cause)
            self.causeType = String(reflecting: type(of: cause))
            self.context = context
            self.requestID = trace?.requestID
            self.traceID = trace?.traceID.description
            self.spanID = trace?.spanID.description
        }
    }

    /// `message: cause`.
    public var description: String {
        "\(message): \(causeDescription)"
    }

    private enum CodingKeys: String, CodingKey {
        case message, cause, causeType = "cause_type", requestID = "request_id", traceID = "trace_id"
        case spanID = "span_id", timestamp, context
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(message, forKey: .message)
        try container.encode(causeDescription, forKey: .cause)
        try container.encode(causeType, forKey: .causeType)
        try container.encodeIfPresent(requestID, forKey: .requestID)
        try container.encodeIfPresent(traceID, forKey: .traceID)
        try container.encodeIfPresent(spanID, forKey: .spanID)
        try container.encode(timestamp, forKey: .timestamp)
        if !context.isEmpty { try container.encode(context, forKey: .context) }
    }
}

extension Error {
    /// Wraps this error in a ``TracedError`` carrying the current request's ids.
    public func traced(_ message: String, context: [String: String] = [:]) -> TracedError {
        TracedError(message, cause: self, context: context)
    }
}
