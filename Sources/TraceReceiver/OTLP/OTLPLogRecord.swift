/// One OTLP log record as read from an export request, with what its resource and scope say about it
/// (the OpenTelemetry log data model: https://opentelemetry.io/docs/specs/otel/logs/data-model/).
struct OTLPLogRecord: Equatable, Sendable {
    /// `time_unix_nano`: when the event happened (0: unknown).
    var time: UInt64 = 0
    /// `observed_time_unix_nano`: when the SDK saw it (0: unknown).
    var observedTime: UInt64 = 0
    /// `severity_number`, 1…24 (0: unspecified).
    var severityNumber: UInt64 = 0
    /// `severity_text`, as the source logged it.
    var severityText = ""
    var body: OTLPValue?
    var attributes: [(key: String, value: OTLPValue)] = []
    /// 16 bytes, or empty.
    var traceID: [UInt8] = []
    /// 8 bytes, or empty.
    var spanID: [UInt8] = []
    /// `event_name`.
    var eventName = ""
    /// The resource's `service.name`.
    var serviceName: String?
    /// The instrumentation scope's name (for a logging bridge: the logger's name).
    var scopeName = ""

    static func == (lhs: OTLPLogRecord, rhs: OTLPLogRecord) -> Bool {
        lhs.time == rhs.time && lhs.observedTime == rhs.observedTime && lhs.severityNumber == rhs.severityNumber
            && lhs.severityText == rhs.severityText && lhs.body == rhs.body
            && OTLPValue.keyValues(lhs.attributes) == OTLPValue.keyValues(rhs.attributes)
            && lhs.traceID == rhs.traceID && lhs.spanID == rhs.spanID && lhs.eventName == rhs.eventName
            && lhs.serviceName == rhs.serviceName && lhs.scopeName == rhs.scopeName
    }
}
