extension RequestTraceContext {
    /// Environment variables for a child process: `REQUEST_ID`, `TRACEPARENT` (with this span as the
    /// parent) and, when present, `TRACESTATE`.
    public var environment: [String: String] {
        var environment = [
            TracingEnvironment.requestID: requestID,
            TracingEnvironment.traceparent: outgoingTraceParent.description,
        ]
        if let traceState { environment[TracingEnvironment.tracestate] = traceState.description }
        return environment
    }

    /// `base` with this context's variables added, replacing stale ones from an outer request.
    ///
    /// ```swift
    /// process.environment = RequestTraceContext.current?.environment(mergingInto: ProcessInfo.processInfo.environment)
    /// ```
    public func environment(mergingInto base: [String: String]) -> [String: String] {
        var merged = base
        merged[TracingEnvironment.tracestate] = nil
        merged.merge(environment) { _, new in new }
        return merged
    }

    /// The context a process started by a traced parent should use: the parent's request id and trace,
    /// a new span whose parent is the span that spawned it. `nil` when the variables are absent or invalid.
    public init?(environment: [String: String]) {
        guard let traceparent = environment[TracingEnvironment.traceparent], TraceParent(traceparent) != nil else {
            return nil
        }
        self.init(
            incomingRequestID: environment[TracingEnvironment.requestID],
            traceparent: traceparent,
            tracestate: environment[TracingEnvironment.tracestate]
        )
    }
}
