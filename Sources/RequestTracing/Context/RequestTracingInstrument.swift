public import Instrumentation

/// A swift-distributed-tracing `Instrument` that carries ``RequestTraceContext`` over any carrier.
///
/// Bootstrapping it lets libraries that already call `InstrumentationSystem.instrument.inject` /
/// `extract` (Hummingbird's `TracingMiddleware`, AsyncHTTPClient's tracing, gRPC) propagate
/// `X-Request-ID`, `traceparent` and `tracestate` without further code:
///
/// ```swift
/// InstrumentationSystem.bootstrap(RequestTracingInstrument())
/// ```
public struct RequestTracingInstrument: Instrument {
    /// Creates the instrument.
    public init() {}

    public func extract<Carrier, Extract: Extractor>(
        _ carrier: Carrier,
        into context: inout InstrumentationContext,
        using extractor: Extract
    ) where Extract.Carrier == Carrier {
        context.requestTrace = RequestTraceContext(
            incomingRequestID: extractor.extract(key: TracingHeader.requestID, from: carrier),
            traceparent: extractor.extract(key: TracingHeader.traceparent, from: carrier),
            tracestate: extractor.extract(key: TracingHeader.tracestate, from: carrier)
        )
    }

    public func inject<Carrier, Inject: Injector>(
        _ context: InstrumentationContext,
        into carrier: inout Carrier,
        using injector: Inject
    ) where Inject.Carrier == Carrier {
        guard let trace = context.requestTrace else { return }
        for (name, value) in trace.propagationHeaders {
            injector.inject(value, forKey: name, into: &carrier)
        }
    }
}
