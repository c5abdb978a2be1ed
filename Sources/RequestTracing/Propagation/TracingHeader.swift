/// Names of the headers and environment variables this library reads and writes.
public enum TracingHeader {
    /// `x-request-id`.
    public static let requestID = "x-request-id"
    /// `traceparent` (W3C Trace Context).
    public static let traceparent = "traceparent"
    /// `tracestate` (W3C Trace Context).
    public static let tracestate = "tracestate"
}

/// Names of the environment variables handed to child processes.
public enum TracingEnvironment {
    /// `REQUEST_ID`.
    public static let requestID = "REQUEST_ID"
    /// `TRACEPARENT`.
    public static let traceparent = "TRACEPARENT"
    /// `TRACESTATE`.
    public static let tracestate = "TRACESTATE"
    /// `TRACE_RECEIVER_URL`: where libraries and wrapped programs ship their logs.
    public static let receiverURL = "TRACE_RECEIVER_URL"
}

extension RequestTraceContext {
    /// The header name/value pairs an outgoing call carries: `x-request-id`, `traceparent` (with this
    /// span as the parent) and, when one was received, `tracestate`.
    public var propagationHeaders: [(name: String, value: String)] {
        var headers = [
            (TracingHeader.requestID, requestID),
            (TracingHeader.traceparent, outgoingTraceParent.description),
        ]
        if let traceState { headers.append((TracingHeader.tracestate, traceState.description)) }
        return headers
    }
}
