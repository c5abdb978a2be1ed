import Logging

/// Reads lines led by bracketed groups: `[2024-01-01T12:00:00.123Z] INFO [req:abc123] [auth] User logged in`
/// and its variants (`[ts] [LEVEL] msg`, gunicorn's `[ts] [pid] [LEVEL] msg`, `[LEVEL] msg`, Rust's
/// env_logger, which puts all three in one group: `[2024-01-01T12:00:00Z ERROR my_app::db] msg`, and
/// Celery's `[2024-01-01 12:00:00,123: ERROR/ForkPoolWorker-1] msg`, whose process is kept as `process`).
///
/// The first group must be a timestamp or a level. After it, up to ``maximumGroups`` more groups or words
/// are read: a level name (bracketed or a bare word), a correlation tag (`req:ID`, `request_id=ID`,
/// `trace:ID`, a UUID, 32 hex digits), a number (a process id, kept as `pid`), and the first other group
/// as the logger (kept as `logger`: a module name, not the service). The rest is the message, less the
/// metadata and call site Vapor's console logger ends its `[ LEVEL ] msg` lines with (``VaporConsoleTail``).
/// Monolog's line format (Laravel's log file: `[2024-01-01 12:00:00] local.ERROR: msg {"order":42} []`)
/// gives the level after its channel (kept as `channel`), and the context and extra JSON that end the line
/// become fields and ids.
/// Vapor's lines may also start with a time, or with the logger's label (at trace level):
/// `[ codes.vapor.application ] [ TRACE ] msg`.
enum BracketedLineParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Groups and words read after the first before the message starts.
    static let maximumGroups = 6
    /// Longest bracketed group read as a prefix group.
    static let maximumGroupLength = 160

    static func parse(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64) -> ParsedLine? {
        let end = range.upperBound
        var timestamp: Int64?
        var level: Logger.Level?
        var logger: Range<Int>?
        var process: Range<Int>?
        // Vapor's console logger pads its level, `[ INFO ]`, and ends the line with its metadata.
        var isVaporConsole = false
        var monologChannel: Range<Int>?
        let close: Int
        if let head = vaporHead(bytes, range, zone: zone, receivedAt: receivedAt) {
            (timestamp, logger, level) = (head.timestamp, head.label, head.level)
            isVaporConsole = true
            close = head.close
        } else {
            guard let open = range.first, bytes[open] == UInt8(ascii: "["), let groupClose = closing(bytes, from: open, end: end) else {
                return nil
            }
            close = groupClose
            let content = CaptureBytes.trimmed(bytes, open + 1..<close)
            if let time = CaptureTimestamp.parseWhole(bytes, open + 1..<close, zone: zone, receivedAt: receivedAt) {
                timestamp = time
            } else if let found = CaptureBytes.level(bytes, content) {
                level = found
            } else if let group = timeLevelTarget(bytes, content, zone: zone, receivedAt: receivedAt) {
                (timestamp, level, logger) = group
            } else if let group = timeLevelProcess(bytes, content, zone: zone, receivedAt: receivedAt) {
                (timestamp, level) = (group.0, group.1)
                process = group.2
            } else {
                return nil
            }
        }
        var parsed = ParsedLine(message: "")
        var index = close + 1
        for _ in 0..<maximumGroups {
            index = CaptureBytes.skipSpaces(bytes, from: index, to: end)
            guard index < end else { break }
            if bytes[index] == UInt8(ascii: "[") {
                guard let groupClose = closing(bytes, from: index, end: end) else { break }
                let content = CaptureBytes.trimmed(bytes, index + 1..<groupClose)
                if level == nil, let found = CaptureBytes.level(bytes, content) {
                    level = found
                } else if correlationTag(bytes, content, into: &parsed.ids) {
                    // taken
                } else if let pid = CaptureBytes.integer(bytes, content) {
                    parsed.fields.append(key: "pid", integer: pid)
                } else if logger == nil, !content.isEmpty {
                    logger = content
                } else {
                    break
                }
                index = groupClose + 1
            } else if level == nil {
                var wordEnd = CaptureBytes.wordEnd(bytes, from: index, to: end)
                let hasColon = wordEnd > index && bytes[wordEnd - 1] == UInt8(ascii: ":")
                if hasColon { wordEnd -= 1 }
                var levelWord = index..<wordEnd
                // Monolog: `channel.LEVEL:`.
                if hasColon, let dot = (index..<wordEnd).last(where: { bytes[$0] == UInt8(ascii: ".") }), dot > index {
                    monologChannel = index..<dot
                    levelWord = dot + 1..<wordEnd
                }
                guard let found = CaptureBytes.level(bytes, levelWord) else {
                    monologChannel = nil
                    break
                }
                level = found
                index = wordEnd
                if index < end, bytes[index] == UInt8(ascii: ":") { index += 1 }
            } else {
                break
            }
        }
        index = CaptureBytes.skipSpaces(bytes, from: index, to: end)
        // `] - message` and `]: message`
        if index + 1 < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == 0x20 {
            index = CaptureBytes.skipSpaces(bytes, from: index + 1, to: end)
        }
        var message = isVaporConsole ? VaporConsoleTail.take(bytes, index..<end, into: &parsed, zone: zone, receivedAt: receivedAt) : index..<end
        if let monologChannel {
            parsed.fields.append(key: "channel", text: CaptureBytes.string(bytes, monologChannel))
            message = monologTail(bytes, message, into: &parsed)
        }
        parsed.message = CaptureBytes.string(bytes, message)
        parsed.timestamp = timestamp ?? parsed.timestamp
        parsed.level = level
        if let logger { parsed.fields.append(key: "logger", text: CaptureBytes.string(bytes, logger)) }
        if let process { parsed.fields.append(key: "process", text: CaptureBytes.string(bytes, process)) }
        return parsed
    }

    /// Monolog's message, less the context and extra JSON values that end it (`msg {"order":42} []`), whose
    /// members become fields and ids. A message that does not end in two such values stays whole.
    private static func monologTail(_ bytes: Bytes, _ message: Range<Int>, into parsed: inout ParsedLine) -> Range<Int> {
        guard let extraStart = trailingJSONStart(bytes, message),
            let contextStart = trailingJSONStart(bytes, message.lowerBound..<CaptureBytes.trimmed(bytes, message.lowerBound..<extraStart).upperBound)
        else { return message }
        let contextEnd = CaptureBytes.trimmed(bytes, contextStart..<extraStart).upperBound
        var taken = parsed
        guard JSONLineParser.takeObject(bytes, contextStart..<contextEnd, into: &taken),
            JSONLineParser.takeObject(bytes, extraStart..<message.upperBound, into: &taken)
        else { return message }
        parsed = taken
        return CaptureBytes.trimmed(bytes, message.lowerBound..<contextStart)
    }

    /// Where the JSON object or array that ends `range` starts, after a space: the last ` {` or ` [`
    /// from which the rest of `range` is one JSON value (up to ``maximumJSONStarts`` tried).
    private static func trailingJSONStart(_ bytes: Bytes, _ range: Range<Int>) -> Int? {
        guard let last = range.last, bytes[last] == UInt8(ascii: "}") || bytes[last] == UInt8(ascii: "]") else { return nil }
        var tried = 0
        var index = range.upperBound - 1
        while index > range.lowerBound, tried < maximumJSONStarts {
            if bytes[index - 1] == 0x20, bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[") {
                tried += 1
                var scanner = JSONScanner(UnsafeBufferPointer(rebasing: bytes[index..<range.upperBound]))
                if (try? scanner.scanValue()) != nil, scanner.isAtEnd { return index }
            }
            index -= 1
        }
        return nil
    }

    /// Starts of a trailing JSON value tried, from the end (``trailingJSONStart(_:_:)``).
    private static let maximumJSONStarts = 8

    /// The head console-kit's default fragments write (Vapor's console logger): an optional local time
    /// (`timestampDefaultLoggerFragment()`), the logger's label when the logger is at trace level
    /// (`[ codes.vapor.application ]`), and the level, each group padded inside its brackets (`[ INFO ]`).
    /// `close` is the level group's closing bracket.
    private static func vaporHead(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64)
        -> (timestamp: Int64?, label: Range<Int>?, level: Logger.Level, close: Int)?
    {
        let end = range.upperBound
        var index = range.lowerBound
        var timestamp: Int64?
        if index < end, bytes[index] != UInt8(ascii: "[") {
            let timeEnd = CaptureBytes.wordEnd(bytes, from: index, to: end)
            guard timeEnd < end, bytes[timeEnd] == 0x20,
                let time = CaptureTimestamp.parseWhole(bytes, index..<timeEnd, zone: zone, receivedAt: receivedAt)
            else { return nil }
            timestamp = time
            index = timeEnd + 1
        }
        guard let first = paddedGroup(bytes, at: index, end: end) else { return nil }
        if let level = CaptureBytes.level(bytes, first.content) { return (timestamp, nil, level, first.close) }
        // `[ 2026-01-31 10:00:00 ] [ INFO ]` is a time and a level, read as any bracketed line is.
        guard CaptureTimestamp.parseWhole(bytes, first.content, zone: zone, receivedAt: receivedAt) == nil else { return nil }
        let next = first.close + 1
        guard next < end, bytes[next] == 0x20, let second = paddedGroup(bytes, at: next + 1, end: end),
            let level = CaptureBytes.level(bytes, second.content)
        else { return nil }
        return (timestamp, first.content, level, second.close)
    }

    /// A group at `index` padded inside its brackets, `[ text ]`: its text, and its closing bracket.
    private static func paddedGroup(_ bytes: Bytes, at index: Int, end: Int) -> (content: Range<Int>, close: Int)? {
        guard index + 3 < end, bytes[index] == UInt8(ascii: "["), bytes[index + 1] == 0x20,
            let close = closing(bytes, from: index, end: end), bytes[close - 1] == 0x20
        else { return nil }
        let content = CaptureBytes.trimmed(bytes, index + 1..<close)
        return content.isEmpty ? nil : (content, close)
    }

    /// Celery's group: a timestamp, `: `, the level and, after a slash, the process
    /// (`2024-01-01 12:00:00,123: ERROR/ForkPoolWorker-1`).
    private static func timeLevelProcess(_ bytes: Bytes, _ content: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64)
        -> (Int64, Logger.Level, Range<Int>)?
    {
        guard let colon = CaptureBytes.find(": ", in: bytes, from: content.lowerBound, to: content.upperBound),
            let time = CaptureTimestamp.parseWhole(bytes, content.lowerBound..<colon, zone: zone, receivedAt: receivedAt),
            let slash = CaptureBytes.find(UInt8(ascii: "/"), in: bytes, from: colon + 2, to: content.upperBound),
            let level = CaptureBytes.level(bytes, colon + 2..<slash)
        else { return nil }
        return (time, level, slash + 1..<content.upperBound)
    }

    /// env_logger's group: a timestamp, a level and, optionally, the target (a module path, kept as the
    /// logger), separated by spaces.
    private static func timeLevelTarget(_ bytes: Bytes, _ content: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64)
        -> (Int64, Logger.Level, Range<Int>?)?
    {
        let timeEnd = CaptureBytes.wordEnd(bytes, from: content.lowerBound, to: content.upperBound)
        guard let time = CaptureTimestamp.parseWhole(bytes, content.lowerBound..<timeEnd, zone: zone, receivedAt: receivedAt) else {
            return nil
        }
        let levelStart = CaptureBytes.skipSpaces(bytes, from: timeEnd, to: content.upperBound)
        let levelEnd = CaptureBytes.wordEnd(bytes, from: levelStart, to: content.upperBound)
        guard levelEnd > levelStart, let level = CaptureBytes.level(bytes, levelStart..<levelEnd) else { return nil }
        let target = CaptureBytes.skipSpaces(bytes, from: levelEnd, to: content.upperBound)..<content.upperBound
        return (time, level, target.isEmpty ? nil : target)
    }

    /// Reads a correlation tag filling the whole group; returns whether it was one.
    private static func correlationTag(_ bytes: Bytes, _ content: Range<Int>, into ids: inout CorrelationIDs) -> Bool {
        guard !content.isEmpty else { return false }
        let start = content.lowerBound
        if let uuidEnd = CorrelationScanner.uuid(bytes, at: start, end: content.upperBound), uuidEnd == content.upperBound {
            if ids.requestID == nil { ids.requestID = CaptureBytes.string(bytes, content) }
            return true
        }
        let whole = CaptureBytes.string(bytes, content)
        if CorrelationIDs.isTraceID(whole) || CorrelationIDs.traceparent(whole) != nil {
            ids.assignUntyped(whole)
            return true
        }
        for (label, isTrace) in tags where CaptureBytes.hasPrefix(bytes, at: start, label, ignoringCase: true, end: content.upperBound) {
            let value = CaptureBytes.string(bytes, start + label.utf8CodeUnitCount..<content.upperBound)
            guard !value.isEmpty, !value.utf8.contains(0x20) else { return false }
            if isTrace {
                ids.assignUntyped(value)
            } else if ids.requestID == nil {
                ids.requestID = value
            }
            return true
        }
        return false
    }

    private static let tags: [(StaticString, Bool)] = [
        ("req:", false), ("req=", false), ("request_id:", false), ("request_id=", false), ("request-id:", false),
        ("rid:", false), ("correlation_id:", false), ("correlation_id=", false), ("cid:", false),
        ("trace_id:", true), ("trace_id=", true), ("trace:", true), ("traceid:", true),
    ]

    private static func closing(_ bytes: Bytes, from open: Int, end: Int) -> Int? {
        CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: open + 1, to: min(end, open + 1 + maximumGroupLength))
    }
}
