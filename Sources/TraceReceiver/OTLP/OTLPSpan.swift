/// One OTLP span as read from a trace export request, with its resource's `service.name` and its scope's
/// name (https://opentelemetry.io/docs/specs/otel/trace/api/#span).
struct OTLPSpan: Sendable {
    /// Something that happened during the span (an exception recorded on it, say).
    struct Event: Sendable {
        var time: UInt64 = 0
        var name = ""
        var attributes: [(key: String, value: OTLPValue)] = []
    }

    /// 16 bytes, or empty.
    var traceID: [UInt8] = []
    /// 8 bytes, or empty.
    var spanID: [UInt8] = []
    /// 8 bytes, or empty for a root span.
    var parentSpanID: [UInt8] = []
    var name = ""
    /// `SpanKind`: 1 internal, 2 server, 3 client, 4 producer, 5 consumer (0: unspecified).
    var kind: UInt64 = 0
    /// Nanoseconds since 1970 (0: unknown).
    var start: UInt64 = 0
    var end: UInt64 = 0
    var attributes: [(key: String, value: OTLPValue)] = []
    var events: [Event] = []
    /// `Status.code`: 1 ok, 2 error (0: unset).
    var statusCode: UInt64 = 0
    var statusMessage = ""
    var serviceName: String?
    var scopeName = ""

    /// `SpanKind`'s names, by number.
    static let kindNames = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"]
    /// `Status.StatusCode`'s names, by number.
    static let statusNames = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]
}
