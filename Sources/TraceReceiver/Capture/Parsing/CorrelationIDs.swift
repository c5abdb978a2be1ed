/// The correlation ids found in a captured line.
struct CorrelationIDs {
    var requestID: String?
    var traceID: String?
    var spanID: String?
    var parentSpanID: String?

    var isEmpty: Bool { requestID == nil && traceID == nil }

    /// Assigns a correlation value whose kind the source did not say (a `correlation_id` pattern, a
    /// `[trace:…]` tag): a W3C `traceparent` gives the trace and span ids, 32 hex digits a trace id,
    /// anything else a request id. Slots already filled are kept.
    mutating func assignUntyped(_ value: String) {
        guard !value.isEmpty else { return }
        if let (trace, span) = Self.traceparent(value) {
            if traceID == nil { traceID = trace }
            if spanID == nil { spanID = span }
        } else if Self.isTraceID(value) {
            if traceID == nil { traceID = value.lowercased() }
        } else if requestID == nil {
            requestID = value
        }
    }

    /// Takes each id of `other` that this has none of.
    mutating func fillGaps(from other: CorrelationIDs) {
        requestID = requestID ?? other.requestID
        traceID = traceID ?? other.traceID
        spanID = spanID ?? other.spanID
        parentSpanID = parentSpanID ?? other.parentSpanID
    }

    /// Assigns the trace and span ids of a `traceparent` value (`00-<32 hex>-<16 hex>-<2 hex>`).
    mutating func assignTraceparent(_ value: String) {
        guard let (trace, span) = Self.traceparent(value) else { return }
        if traceID == nil { traceID = trace }
        if spanID == nil { spanID = span }
    }

    /// Whether `value` is 32 hex digits, not all zero.
    static func isTraceID(_ value: String) -> Bool {
        let utf8 = value.utf8
        return utf8.count == traceIDLength && utf8.allSatisfy(CaptureBytes.isHex) && utf8.contains { $0 != UInt8(ascii: "0") }
    }

    /// The trace id and parent span id of a version-00 `traceparent`.
    static func traceparent(_ value: String) -> (String, String)? {
        var value = value
        return value.withUTF8 { bytes in
            guard let (trace, span) = CorrelationScanner.traceparent(bytes, at: 0), span.upperBound + 3 == bytes.count else {
                return nil
            }
            return (CaptureBytes.string(bytes, trace).lowercased(), CaptureBytes.string(bytes, span).lowercased())
        }
    }

    /// Hex digits in a W3C trace id.
    static let traceIDLength = 32
    /// Hex digits in a W3C span id.
    static let spanIDLength = 16
}
