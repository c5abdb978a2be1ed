public import AsyncHTTPClient
public import NIOHTTP1
public import RequestTracing

extension HTTPHeaders {
    /// Sets `X-Request-ID`, `traceparent` and `tracestate` for an outgoing call, replacing any values
    /// already present. Does nothing when there is no context.
    public mutating func injectRequestTracing(_ context: RequestTraceContext? = .current) {
        guard let context else { return }
        for name in [TracingHeader.requestID, TracingHeader.traceparent, TracingHeader.tracestate] {
            remove(name: name)
        }
        for (name, value) in context.propagationHeaders {
            add(name: name, value: value)
        }
    }
}

extension HTTPClientRequest {
    /// Adds the current request's `X-Request-ID`, `traceparent` and `tracestate` to this request.
    ///
    /// ```swift
    /// var request = HTTPClientRequest(url: "http://127.0.0.1:8081/api/reserve")
    /// request.injectRequestTracing()
    /// let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
    /// ```
    public mutating func injectRequestTracing(_ context: RequestTraceContext? = .current) {
        headers.injectRequestTracing(context)
    }
}

extension HTTPClient.Request {
    /// Adds the current request's `X-Request-ID`, `traceparent` and `tracestate` to this request.
    public mutating func injectRequestTracing(_ context: RequestTraceContext? = .current) {
        headers.injectRequestTracing(context)
    }
}
