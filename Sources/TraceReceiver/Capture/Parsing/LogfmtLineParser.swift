import Logging

/// Reads a logfmt line (Go's slog text handler, logrus's text formatter, Heroku):
/// `time=2024-01-01T12:00:00Z level=INFO msg="request done" request_id=abc status=200`.
///
/// The line must start with a `key=value` pair, hold at least ``minimumPairs`` pairs, consist mostly of
/// pairs, and name a message or a level; otherwise it is left to the other parsers. Keys map as in
/// ``CaptureFieldKey``; the others become string fields.
enum LogfmtLineParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Fewest `key=value` pairs for a line to count as logfmt.
    static let minimumPairs = 2

    static func parse(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64) -> ParsedLine? {
        guard let first = range.first, CaptureBytes.isAlpha(bytes[first]) || bytes[first] == UInt8(ascii: "_") else {
            return nil
        }
        var parsed = ParsedLine(message: "")
        var pairs = 0
        var bareWords = 0
        var hasMessage = false
        var hasLevel = false
        var index = range.lowerBound
        let end = range.upperBound
        while true {
            index = CaptureBytes.skipSpaces(bytes, from: index, to: end)
            guard index < end else { break }
            let keyStart = index
            while index < end, isKeyByte(bytes[index]) { index += 1 }
            let key = keyStart..<index
            guard index < end, bytes[index] == UInt8(ascii: "=") else {
                // A bare word (logfmt allows flags) or prose: skip to the next space.
                if key.isEmpty || pairs == 0 { return nil }
                bareWords += 1
                index = CaptureBytes.wordEnd(bytes, from: index, to: end)
                continue
            }
            guard !key.isEmpty else { return nil }
            index += 1
            let value: String
            if index < end, bytes[index] == UInt8(ascii: "\"") {
                guard let (text, next) = quoted(bytes, from: index, end: end) else { return nil }
                value = text
                index = next
            } else {
                let valueEnd = CaptureBytes.wordEnd(bytes, from: index, to: end)
                value = CaptureBytes.string(bytes, index..<valueEnd)
                index = valueEnd
            }
            pairs += 1
            switch CaptureFieldKey(bytes, key) {
            case .message:
                parsed.message = value
                hasMessage = true
            case .messageAlias, .body:
                if !hasMessage { parsed.message = value }
                hasMessage = true
            case .event:
                parsed.event = value
            case .timestamp:
                parsed.timestamp = parsed.timestamp ?? CaptureTimestamp.parse(value, zone: zone, receivedAt: receivedAt)
            case .level:
                if let level = Logger.Level(alias: value) {
                    parsed.level = level
                    hasLevel = true
                } else {
                    parsed.fields.append(key: "original_level", text: value)
                }
            case .severityNumber:
                parsed.level = parsed.level ?? Int(value).flatMap(Logger.Level.init(number:))
            case .service: parsed.service = value
            case .requestID, .request: parsed.ids.requestID = parsed.ids.requestID ?? value
            case .traceID: parsed.ids.traceID = value
            case .spanID: parsed.ids.spanID = value
            case .parentSpanID: parsed.ids.parentSpanID = value
            case .traceparent: parsed.ids.assignTraceparent(value)
            case .error: parsed.error = value
            case .errorType: parsed.errorType = value
            case .stack: parsed.stack = value
            case .durationMS:
                if let duration = Double(value), duration.isFinite { parsed.durationMS = duration }
            case .name, .fields, .other:
                parsed.fields.append(key: CaptureBytes.string(bytes, key), text: value)
            }
        }
        guard pairs >= minimumPairs, bareWords < pairs, hasMessage || hasLevel else { return nil }
        if !hasMessage, let event = parsed.event {
            parsed.message = event
            parsed.event = nil
        }
        return parsed
    }

    /// Key characters: letters, digits and `_ . - / @`.
    @inline(__always) private static func isKeyByte(_ byte: UInt8) -> Bool {
        CaptureBytes.isAlnum(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "@")
    }

    /// A double-quoted value starting at `start` (with `\"`, `\\`, `\n`, `\t` escapes) and the index after it.
    private static func quoted(_ bytes: Bytes, from start: Int, end: Int) -> (String, Int)? {
        var index = start + 1
        var hasEscapes = false
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: "\\"):
                hasEscapes = true
                index += 2
            case UInt8(ascii: "\""):
                let content = start + 1..<index
                guard hasEscapes else { return (CaptureBytes.string(bytes, content), index + 1) }
                return (unescape(bytes, content), index + 1)
            default:
                index += 1
            }
        }
        return nil
    }

    private static func unescape(_ bytes: Bytes, _ range: Range<Int>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < range.upperBound {
                switch bytes[index + 1] {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                default: out.append(bytes[index + 1])
                }
                index += 2
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
