public import HTTPTypes

extension HTTPField.Name {
    /// `X-Request-ID`.
    ///
    /// `traceparent` and `tracestate` are not declared here: swift-http-types (1.6 and later) already
    /// provides `HTTPField.Name.traceparent` and `.tracestate`, and declaring them again would make every
    /// use of `.traceparent` ambiguous for code that imports both modules.
    public static let xRequestID = HTTPField.Name("X-Request-ID")!
}

extension HTTPFields {
    /// Sets `X-Request-ID`, `traceparent` and `tracestate` for an outgoing call, replacing any values
    /// already present. Does nothing when there is no context.
    ///
    /// ```swift
    /// var request = HTTPRequest(method: .get, scheme: "http", authority: "inventory", path: "/api/reserve")
    /// request.headerFields.injectRequestTracing()
    /// ```
    public mutating func injectRequestTracing(_ context: RequestTraceContext? = .current) {
        guard let context else { return }
        self[.xRequestID] = context.requestID
        self[.traceparent] = context.outgoingTraceParent.description
        if let traceState = context.traceState {
            self[.tracestate] = traceState.description
        } else {
            self[.tracestate] = nil
        }
    }

    /// The server-side context for a request carrying these fields (see
    /// ``RequestTraceContext/init(incomingRequestID:traceparent:tracestate:)``).
    public func extractRequestTracing() -> RequestTraceContext {
        let tracestates = self[values: .tracestate]
        return RequestTraceContext(
            incomingRequestID: self[values: .xRequestID].count == 1 ? self[.xRequestID] : nil,
            traceparent: self[values: .traceparent].count == 1 ? self[.traceparent] : nil,
            tracestate: tracestates.isEmpty ? nil : tracestates.joined(separator: ",")
        )
    }
}
