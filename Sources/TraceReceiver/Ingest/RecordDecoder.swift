import Logging

/// Decodes one JSON log record (DESIGN.md shape) from UTF-8 bytes into a ``LogRecord``.
///
/// Known keys are typed (with the usual aliases: `msg`, `time`/`ts`/`@timestamp`, `severity`); every
/// other key, and the members of a `fields` object, are kept verbatim under ``LogRecord/fields``.
/// A line that is not a single JSON object, is not valid JSON or UTF-8, nests deeper than
/// ``JSONScanner/maximumDepth``, has no `message`, or has an unreadable timestamp is rejected with a
/// reason naming the problem.
struct RecordDecoder: Sendable {
    /// Source assigned when the record does not name a valid one.
    var source: RecordSource = .backend
    /// Service assigned when the record has none.
    var defaultService = "unknown"
    /// Longest accepted record, in bytes.
    var maximumRecordBytes = 64 * 1024

    func decode(_ line: UnsafeBufferPointer<UInt8>, now: Int64) -> Result<LogRecord, RecordRejection> {
        guard line.count <= maximumRecordBytes else {
            return .failure(RecordRejection("record is \(line.count) bytes; the limit is \(maximumRecordBytes)"))
        }
        var scanner = JSONScanner(line)
        do throws(JSONSyntaxError) {
            guard scanner.peek() == UInt8(ascii: "{") else {
                if scanner.isAtEnd { return .failure(RecordRejection("empty record")) }
                return .failure(RecordRejection("not a JSON object"))
            }
            let object = try scanner.scanValue()
            scanner.skipWhitespace()
            guard scanner.isAtEnd else {
                return .failure(RecordRejection("unexpected data after the JSON object at byte \(scanner.index + 1)"))
            }
            return decodeObject(object, in: scanner, now: now)
        } catch {
            return .failure(RecordRejection("invalid JSON: \(error.reason)"))
        }
    }

    /// Decodes the members of an already validated object.
    func decodeObject(_ object: JSONScanner.Value, in document: JSONScanner, now: Int64) -> Result<LogRecord, RecordRejection> {
        var record = LogRecord(timestamp: now, service: defaultService, source: source, message: "")
        var hasMessage = false
        var aliasMessage: String?
        var timestampSeen = false
        var aliasTimestamp: JSONScanner.Value?
        var fields = FieldsBuilder()

        // Re-walk the validated object: members are `"key": value` separated by commas.
        var scanner = document
        scanner.index = object.range.lowerBound + 1
        while true {
            scanner.skipWhitespace()
            if scanner.consume(UInt8(ascii: "}")) { break }
            _ = scanner.consume(UInt8(ascii: ","))
            scanner.skipWhitespace()
            let keyStart = scanner.index
            guard let keyValue = try? scanner.scanValue(), case .string(let keyHasEscapes) = keyValue.kind else { break }
            _ = scanner.consume(UInt8(ascii: ":"))
            guard let value = try? scanner.scanValue() else { break }
            let key = keyHasEscapes ? RecordKey(name: scanner.string(keyValue)) : RecordKey(scanner, keyValue.contentRange)

            switch key {
            case .timestamp:
                guard let micros = Self.timestamp(value, in: scanner) else {
                    return .failure(RecordRejection("timestamp is neither RFC 3339 nor an epoch number"))
                }
                record.timestamp = micros
                timestampSeen = true
            case .timestampAlias:
                aliasTimestamp = value
            case .level:
                if let level = Self.level(value, in: scanner) {
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
                    return .failure(RecordRejection("message must be a string"))
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
                    fields.append(rawKey: keyStart..<keyValue.range.upperBound, value: value, in: scanner)
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
                fields.append(rawKey: keyStart..<keyValue.range.upperBound, value: value, in: scanner)
            }
        }
        if !hasMessage {
            guard let aliasMessage else { return .failure(RecordRejection("record has no message")) }
            record.message = aliasMessage
        }
        if !timestampSeen, let aliasTimestamp {
            guard let micros = Self.timestamp(aliasTimestamp, in: scanner) else {
                return .failure(RecordRejection("timestamp is neither RFC 3339 nor an epoch number"))
            }
            record.timestamp = micros
        }
        record.fields = fields.finish()
        return .success(record)
    }

    static func timestamp(_ value: JSONScanner.Value, in scanner: JSONScanner) -> Int64? {
        switch value.kind {
        case .string(hasEscapes: false):
            return RecordTime.parse(UnsafeBufferPointer(rebasing: scanner.bytes[value.contentRange]))
        case .string:
            return RecordTime.parse(Array(scanner.string(value).utf8))
        case .number:
            return scanner.double(value).flatMap(RecordTime.fromEpochNumber)
        default:
            return nil
        }
    }

    static func level(_ value: JSONScanner.Value, in scanner: JSONScanner) -> Logger.Level? {
        switch value.kind {
        case .string: Logger.Level(alias: scanner.string(value))
        case .number: scanner.double(value).flatMap { $0.rounded() == $0 && abs($0) < 1000 ? Logger.Level(number: Int($0)) : nil }
        default: nil
        }
    }
}
