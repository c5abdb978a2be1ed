public import Instrumentation

/// The identity of the request being handled: its request id and its place in a W3C trace.
///
/// The middleware binds one of these to the task for the whole request, inside swift-distributed-tracing's
/// task-local ``Instrumentation/InstrumentationContext``, so it reaches every child task, `async let` and
/// task group without being passed, and other instruments see the same bag.
///
/// ```swift
/// if let trace = RequestTraceContext.current {
///     print(trace.requestID, trace.traceID, trace.spanID)
/// }
/// ```
public struct RequestTraceContext: Sendable, Hashable {
    /// The `X-Request-ID` of the request.
    public var requestID: String
    /// The trace the request belongs to.
    public var traceID: TraceID
    /// The span of the work being done now (the request's server span, or a ``timed(_:logger:metadata:file:function:line:_:)`` block inside it).
    public var spanID: SpanID
    /// The span that caused this one: the caller's span for a server span, or the enclosing span.
    public var parentSpanID: SpanID?
    /// W3C trace flags received from, or chosen for, this trace.
    public var traceFlags: TraceFlags
    /// The validated `tracestate` received with the request, passed on unchanged.
    public var traceState: TraceState?

    /// Creates a context from its parts.
    public init(
        requestID: String,
        traceID: TraceID,
        spanID: SpanID,
        parentSpanID: SpanID? = nil,
        traceFlags: TraceFlags = .sampled,
        traceState: TraceState? = nil
    ) {
        self.requestID = requestID
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.traceFlags = traceFlags
        self.traceState = traceState
    }

    /// Creates the server-side context for an incoming request from its header values.
    ///
    /// - A valid `requestID` (see ``RequestID/isValid(_:)``) is kept; otherwise a new UUIDv7 is made.
    /// - A valid `traceparent` continues the caller's trace: a new span whose parent is the caller's span.
    ///   A missing or invalid one starts a new trace (and any `tracestate` is then discarded, as the
    ///   specification requires).
    public init(incomingRequestID requestID: String?, traceparent: String?, tracestate: String?) {
        self.requestID = RequestID.validOrGenerate(requestID)
        self.spanID = SpanID.random()
        if let traceparent, let parent = TraceParent(traceparent) {
            self.traceID = parent.traceID
            self.parentSpanID = parent.parentID
            self.traceFlags = parent.flags
            self.traceState = tracestate.flatMap(TraceState.init)
        } else {
            self.traceID = TraceID.random()
            self.parentSpanID = nil
            self.traceFlags = .sampled
            self.traceState = nil
        }
    }

    /// A new context that starts a trace of its own, e.g. for a background job or a CLI command.
    public static func newRoot(requestID: String? = nil) -> RequestTraceContext {
        RequestTraceContext(incomingRequestID: requestID, traceparent: nil, tracestate: nil)
    }

    /// A context for a child span of this one: same request and trace, new span id, this span as parent.
    public func childSpan() -> RequestTraceContext {
        var child = self
        child.parentSpanID = spanID
        child.spanID = SpanID.random()
        return child
    }

    /// The `traceparent` to send on an outgoing call: this trace, with this span as the callee's parent.
    public var outgoingTraceParent: TraceParent {
        TraceParent(traceID: traceID, parentID: spanID, flags: traceFlags)
    }

    /// The context bound to the current task, if any.
    public static var current: RequestTraceContext? {
        InstrumentationContext.current?[RequestTraceContextKey.self]
    }

    /// Runs `operation` with this context bound to the task (and to its child tasks).
    public func withBound<Result, Failure: Error>(
        _ operation: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let context = self.instrumentationContext()
        do {
            return try InstrumentationContext.withValue(context) { try operation() }
        } catch {
            throw error as! Failure
        }
    }

    /// Runs `operation` with this context bound to the task (and to its child tasks).
    ///
    /// Runs on the caller's executor, as does `operation` (`nonisolated(nonsending)`): binding a context
    /// does not hop to another executor, and code in `operation` keeps the caller's actor isolation.
    public nonisolated(nonsending) func withBound<Result>(
        _ operation: nonisolated(nonsending) () async throws -> Result
    ) async rethrows -> Result {
        try await InstrumentationContext.$current.withValue(self.instrumentationContext()) { try await operation() }
    }

    /// The task's current instrumentation context with this request context added to it.
    public func instrumentationContext() -> InstrumentationContext {
        var context = InstrumentationContext.current ?? .topLevel
        context[RequestTraceContextKey.self] = self
        return context
    }
}

extension InstrumentationContext {
    /// The request context carried in this bag, if any.
    public var requestTrace: RequestTraceContext? {
        get { self[RequestTraceContextKey.self] }
        set { self[RequestTraceContextKey.self] = newValue }
    }
}
