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
            let key: Range<Int>
            let value: String
            switch pair(bytes, at: index, end: end) {
            case .pair(let found, let text, let next):
                (key, value, index) = (found, text, next)
            case .word:
                // A bare word (logfmt allows flags) or prose: skip to the next space.
                if pairs == 0 { return nil }
                bareWords += 1
                index = CaptureBytes.wordEnd(bytes, from: index, to: end)
                continue
            case .malformed:
                return nil
            }
            pairs += 1
            switch CaptureFieldKey(bytes, key) {
            case .message:
                parsed.message = value
                hasMessage = true
            case .messageAlias, .messageTemplate, .body:
                if !hasMessage { parsed.message = value }
                hasMessage = true
            case .level:
                if let level = Logger.Level(alias: value) {
                    parsed.level = level
                    hasLevel = true
                } else {
                    parsed.fields.append(key: "original_level", text: value)
                }
            case let kind:
                assign(kind, key: CaptureBytes.string(bytes, key), value: value, to: &parsed, zone: zone, receivedAt: receivedAt)
            }
        }
        guard pairs >= minimumPairs, bareWords < pairs, hasMessage || hasLevel else { return nil }
        if !hasMessage, let event = parsed.event {
            parsed.message = event
            parsed.event = nil
        }
        return parsed
    }

    /// Puts a pair's value where its key says (an id, the error, the time…) or among the fields. The
    /// message and the level are the caller's to handle: here they are fields.
    static func assign(_ kind: CaptureFieldKey, key: String, value: String, to parsed: inout ParsedLine, zone: NaiveTimeZone, receivedAt: Int64) {
        switch kind {
        case .event:
            parsed.event = value
        case .timestamp:
            parsed.timestamp = parsed.timestamp ?? CaptureTimestamp.parse(value, zone: zone, receivedAt: receivedAt)
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
        case .dotNetException: DotNetException.apply(value, to: &parsed)
        case .durationMS:
            if let duration = Double(value), duration.isFinite { parsed.durationMS = duration }
        case .message, .messageAlias, .messageTemplate, .renderings, .body, .level, .name, .fields, .dotNetState, .dotNetScopes,
            .serilogProperties, .other:
            parsed.fields.append(key: key, text: value)
        }
    }

    /// Reads the `key=value` pairs in `range` into `parsed` (see ``assign(_:key:value:to:zone:receivedAt:)``);
    /// words between them are skipped.
    static func assignPairs(_ bytes: Bytes, _ range: Range<Int>, to parsed: inout ParsedLine, zone: NaiveTimeZone, receivedAt: Int64) {
        var index = range.lowerBound
        while true {
            index = CaptureBytes.skipSpaces(bytes, from: index, to: range.upperBound)
            guard index < range.upperBound else { return }
            switch pair(bytes, at: index, end: range.upperBound) {
            case .pair(let key, let value, let next):
                assign(CaptureFieldKey(bytes, key), key: CaptureBytes.string(bytes, key), value: value, to: &parsed, zone: zone, receivedAt: receivedAt)
                index = next
            case .word, .malformed:
                index = CaptureBytes.wordEnd(bytes, from: index, to: range.upperBound)
            }
        }
    }

    /// What starts at an index of a line of `key=value` pairs.
    enum Token {
        /// `key=value` or `key="quoted value"` (unescaped), and the index after it.
        case pair(key: Range<Int>, value: String, next: Int)
        /// A word that is not a pair (`key` characters, then no `=`).
        case word
        /// `=value` without a key, or a quoted value without its closing quote.
        case malformed
    }

    /// Reads the `key=value` pair at `index` (not a space), within `end`.
    static func pair(_ bytes: Bytes, at index: Int, end: Int) -> Token {
        var index = index
        let keyStart = index
        while index < end, isKeyByte(bytes[index]) { index += 1 }
        let key = keyStart..<index
        guard index < end, bytes[index] == UInt8(ascii: "=") else { return key.isEmpty ? .malformed : .word }
        guard !key.isEmpty else { return .malformed }
        index += 1
        if index < end, bytes[index] == UInt8(ascii: "\"") {
            guard let (text, next) = quoted(bytes, from: index, end: end) else { return .malformed }
            return .pair(key: key, value: text, next: next)
        }
        let valueEnd = CaptureBytes.wordEnd(bytes, from: index, to: end)
        return .pair(key: key, value: CaptureBytes.string(bytes, index..<valueEnd), next: valueEnd)
    }

    /// Key characters: letters, digits and `_ . - / @`.
    @inline(__always) static func isKeyByte(_ byte: UInt8) -> Bool {
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
