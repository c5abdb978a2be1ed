public import Logging

extension Logger.MetadataProvider {
    /// Adds `request_id`, `trace_id`, `span_id` and `parent_span_id` of the task's
    /// ``RequestTraceContext`` to every log call, for apps that keep a handler of their own.
    ///
    /// ```swift
    /// LoggingSystem.bootstrap(StreamLogHandler.standardOutput, metadataProvider: .requestTracing)
    /// ```
    public static let requestTracing = Logger.MetadataProvider {
        guard let trace = RequestTraceContext.current else { return [:] }
        var metadata: Logger.Metadata = [
            "request_id": .string(trace.requestID),
            "trace_id": .string(trace.traceID.description),
            "span_id": .string(trace.spanID.description),
        ]
        if let parent = trace.parentSpanID { metadata["parent_span_id"] = .string(parent.description) }
        return metadata
    }
}
