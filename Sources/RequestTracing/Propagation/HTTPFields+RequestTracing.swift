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
        // One pass over the fields (each name lookup would be a pass of its own). A repeated
        // X-Request-ID or traceparent is ambiguous and so ignored; tracestate values are joined.
        var requestID: String?
        var requestIDs = 0
        var traceparent: String?
        var traceparents = 0
        var tracestates: [String] = []
        for field in self {
            switch field.name {
            case .xRequestID:
                requestID = field.value
                requestIDs += 1
            case .traceparent:
                traceparent = field.value
                traceparents += 1
            case .tracestate:
                tracestates.append(field.value)
            default:
                continue
            }
        }
        return RequestTraceContext(
            incomingRequestID: requestIDs == 1 ? requestID : nil,
            traceparent: traceparents == 1 ? traceparent : nil,
            tracestate: tracestates.isEmpty ? nil : tracestates.joined(separator: ",")
        )
    }
}
