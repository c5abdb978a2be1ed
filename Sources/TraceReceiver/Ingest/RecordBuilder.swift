import Logging

/// Builds one ``LogRecord`` from the members of a JSON object, handed over one by one as
/// ``JSONScanner/scanObject(depth:into:)`` validates them (see ``RecordDecoder``).
struct RecordBuilder: JSONMemberSink {
    private var record: LogRecord
    private var hasMessage = false
    private var aliasMessage: String?
    private var timestampSeen = false
    private var aliasTimestamp: (JSONScanner.Value, JSONScanner)?
    private var fields = FieldsBuilder()
    /// The first member that makes the record unacceptable; later members are not looked at.
    private var rejection: RecordRejection?

    private static let unreadableTimestamp = RecordRejection("timestamp is neither RFC 3339 nor an epoch number")

    /// When the record arrived (``init(_:latestTimestamp:)``'s defaults).
    private let arrival: Int64
    /// Latest timestamp taken as given; see ``init(_:latestTimestamp:)``.
    private let latestTimestamp: Int64?

    /// Starts from `defaults`: the arrival time, default service and source. A record stamped after
    /// `latestTimestamp` (a sender whose clock is ahead) is stored at its arrival time, with the time it
    /// gave kept as the `sent_timestamp` field: otherwise it would head every newest-first list, and
    /// outlive retention by age, for as long as its clock was ahead.
    init(_ defaults: LogRecord, latestTimestamp: Int64? = nil) {
        record = defaults
        arrival = defaults.timestamp
        self.latestTimestamp = latestTimestamp
    }

    mutating func take(_ keyValue: JSONScanner.Value, _ value: JSONScanner.Value, in scanner: JSONScanner) {
        guard rejection == nil, case .string(let keyHasEscapes) = keyValue.kind else { return }
        let key = keyHasEscapes ? RecordKey(name: scanner.string(keyValue)) : RecordKey(scanner, keyValue.contentRange)
        switch key {
        case .timestamp:
            guard let micros = RecordDecoder.timestamp(value, in: scanner) else {
                rejection = Self.unreadableTimestamp
                return
            }
            record.timestamp = micros
            timestampSeen = true
        case .timestampAlias:
            aliasTimestamp = (value, scanner)
        case .level:
            if let level = RecordDecoder.level(value, in: scanner) {
                record.level = level
            } else if let text = scanner.text(value) {
                record.level = .info
                fields.append(key: "original_level", text: text)
            }
        case .service:
            if let text = scanner.text(value), !text.isEmpty { record.service = text }
        case .source:
            if let text = scanner.text(value), let source = RecordSource(rawValue: text.lowercased()) {
                record.source = source
            }
        case .message:
            guard value.kind != .object, value.kind != .array else {
                rejection = RecordRejection("message must be a string")
                return
            }
            if let text = scanner.text(value) {
                record.message = text
                hasMessage = true
            }
        case .messageAlias:
            aliasMessage = scanner.text(value)
        case .event: record.event = scanner.text(value)
        case .requestID: record.requestID = scanner.text(value)
        case .traceID: record.traceID = scanner.text(value)
        case .spanID: record.spanID = scanner.text(value)
        case .parentSpanID: record.parentSpanID = scanner.text(value)
        case .error: record.error = scanner.text(value)
        case .errorType: record.errorType = scanner.text(value)
        case .stack: record.stack = scanner.text(value)
        case .durationMS:
            if let duration = scanner.double(value), duration.isFinite {
                record.durationMS = duration
            } else if value.kind != .null {
                fields.append(rawKey: keyValue.range, value: value, in: scanner)
            }
        case .instance: record.instance = scanner.text(value)
        case .sequence:
            if let number = scanner.double(value), number >= 0, number < 1.8e19, number.rounded() == number {
                record.sequence = UInt64(number)
            }
        case .fields where value.kind == .object:
            fields.appendMembers(of: value, in: scanner)
        case .inferred:
            break  // assigned by the receiver, never taken from input
        case .fields, .other:
            fields.append(rawKey: keyValue.range, value: value, in: scanner)
        }
    }

    /// The record, or why it is refused.
    consuming func finish() -> Result<LogRecord, RecordRejection> {
        if let rejection { return .failure(rejection) }
        if !hasMessage {
            guard let aliasMessage else { return .failure(RecordRejection("record has no message")) }
            record.message = aliasMessage
        }
        if !timestampSeen, let (value, scanner) = aliasTimestamp {
            guard let micros = RecordDecoder.timestamp(value, in: scanner) else {
                return .failure(Self.unreadableTimestamp)
            }
            record.timestamp = micros
        }
        if let latestTimestamp, record.timestamp > latestTimestamp {
            fields.append(key: "sent_timestamp", text: RecordTime.format(record.timestamp))
            record.timestamp = arrival
            record.stampedAtArrival = true
        }
        record.fields = fields.finish()
        // Moved out (a stored property of a copyable type cannot be consumed, so returning it would copy).
        var finished = LogRecord.vacated
        swap(&finished, &record)
        return .success(consume finished)
    }
}
