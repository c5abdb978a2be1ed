public import Instrumentation

/// The ``Instrumentation/InstrumentationContext`` key under which ``RequestTraceContext`` is stored.
public enum RequestTraceContextKey: InstrumentationContextKey {
    public typealias Value = RequestTraceContext
    public static var nameOverride: String? { "request-trace" }
}
