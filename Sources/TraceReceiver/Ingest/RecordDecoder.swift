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
    /// How far ahead of its arrival a record's timestamp is taken as given, in microseconds; later ones
    /// are stored at their arrival (see ``RecordBuilder/init(_:latestTimestamp:)``). `nil` takes every
    /// timestamp as given (records read back from a receiver).
    var maximumClockSkew: Int64?

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
            let record = try decodeObject(&scanner, now: now)
            scanner.skipWhitespace()
            guard scanner.isAtEnd else {
                return .failure(RecordRejection("unexpected data after the JSON object at byte \(scanner.index + 1)"))
            }
            return record
        } catch {
            return .failure(RecordRejection("invalid JSON: \(error.reason)"))
        }
    }

    /// Decodes the object whose `{` is next in `scanner`, validating it in the same pass. A syntax error
    /// anywhere in the object is thrown, and takes precedence over what the members say (such as an
    /// unreadable timestamp), which is returned as a rejection.
    func decodeObject(_ scanner: inout JSONScanner, now: Int64) throws(JSONSyntaxError) -> Result<LogRecord, RecordRejection> {
        var builder = RecordBuilder(
            LogRecord(timestamp: now, service: defaultService, source: source, message: ""),
            latestTimestamp: maximumClockSkew.map { now + $0 }
        )
        try scanner.scanObject(depth: 1, into: &builder)
        // Consumed, not copied: a consuming call on a variable still in scope would copy the builder
        // (every string of its record retained, then released with the original).
        return (consume builder).finish()
    }

    /// Decodes an object value already scanned (and so validated) in `document`.
    func decodeObject(_ object: JSONScanner.Value, in document: JSONScanner, now: Int64) -> Result<LogRecord, RecordRejection> {
        var scanner = document
        scanner.index = object.range.lowerBound
        return (try? decodeObject(&scanner, now: now)) ?? .failure(RecordRejection("invalid JSON"))
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
        case .string(hasEscapes: false): Logger.Level(aliasUTF8: UnsafeBufferPointer(rebasing: scanner.bytes[value.contentRange]))
        case .string: Logger.Level(alias: scanner.string(value))
        case .number: scanner.double(value).flatMap { $0.rounded() == $0 && abs($0) < 1000 ? Logger.Level(number: Int($0)) : nil }
        default: nil
        }
    }
}
