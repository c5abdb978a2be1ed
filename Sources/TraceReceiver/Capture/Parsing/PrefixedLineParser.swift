import Logging

/// Reads the common "prefix then message" text formats:
///
/// - Python logging's default `LEVEL:logger:message` (`WARNING:root:disk almost full`) and uvicorn's
///   `INFO:     message`
/// - Ruby's Logger (Rails): `I, [2024-01-01T12:00:00.123456 #1234]  INFO -- app: message`
/// - lines led by a timestamp, with an optional level, logger, thread and pid around it:
///   `2024-01-01 12:00:00,123 - myapp - INFO - message` (Python `%(asctime)s - %(name)s - …`),
///   `2024-01-01 12:00:00,123 WARNING message`, loguru's `2024-01-01 12:00:00.123 | INFO | mod:func:12 - message`,
///   log4j/logback's `2024-01-01 12:00:00,123 [main] ERROR com.x.Y - message` and `12:00:00.123 [main] INFO c.x.Y - message`,
///   Spring Boot's `2024-01-01T12:00:00.123Z  INFO 4242 --- [main] c.x.App : message` (since 3.2 also
///   `--- [app] [main] [traceId-spanId] c.x.App : message`: the application is the service, and
///   Micrometer Tracing's correlation group gives the trace and span ids), swift-log's
///   `2024-01-01T12:00:00+0000 info label: key=value [Module] message` (`label :` before swift-log 1.6; see
///   ``StreamLogHandlerMetadata``),
///   Rust's tracing-subscriber `2024-01-01T12:00:00.123456Z  INFO span{k=v}: crate::module: message k=v` (see
///   ``RustTracingContext``),
///   MySQL 8's `2024-01-01T12:00:00.123456Z 0 [Warning] [MY-010068] [Server] message`,
///   Elixir's Logger (Phoenix) `10:20:01.123 request_id=F5_xYz [info] message`, its metadata's pairs before
///   the level read as fields and ids,
///   nginx's error log `2024/01/01 12:00:00 [error] 7#7: message`, PostgreSQL's `2024-01-01 12:00:00.123 UTC [42] LOG:  message` and Go's `log` package `2024/01/01 12:00:00 message`.
///
/// A level is only taken from the first few words (``maximumPrefixWords``) and only when the word is
/// all upper case or all lower case, so prose that happens to start with "Error" stays the message.
enum PrefixedLineParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Words, groups and separators read after the timestamp while looking for the level.
    static let maximumPrefixWords = 6
    /// Longest bracketed group (a thread name) read in the prefix.
    static let maximumGroupLength = 96

    static func parse(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64) -> ParsedLine? {
        guard let first = range.first else { return nil }
        if CaptureBytes.isUpper(bytes[first]) {
            return pythonDefault(bytes, range) ?? ruby(bytes, range, zone: zone, receivedAt: receivedAt)
        }
        guard CaptureBytes.isDigit(bytes[first]),
            let (timestamp, timeEnd) = CaptureTimestamp.parsePrefix(bytes, from: first, zone: zone, receivedAt: receivedAt),
            timeEnd == range.upperBound || CaptureBytes.isSpace(bytes[timeEnd])
        else { return nil }
        var parsed = afterTimestamp(bytes, timeEnd..<range.upperBound, zone: zone, receivedAt: receivedAt)
        parsed.timestamp = timestamp
        return parsed
    }

    /// `LEVEL:logger:message` with Python's level names, or uvicorn's `LEVEL:` padded with spaces to the
    /// message (`INFO:     Application startup complete.`).
    private static func pythonDefault(_ bytes: Bytes, _ range: Range<Int>) -> ParsedLine? {
        let end = range.upperBound
        guard let colon = CaptureBytes.find(UInt8(ascii: ":"), in: bytes, from: range.lowerBound, to: min(end, range.lowerBound + 9)),
            let level = pythonLevel(bytes, range.lowerBound..<colon)
        else { return nil }
        if colon + 1 < end, bytes[colon + 1] == 0x20 {
            var parsed = ParsedLine(message: CaptureBytes.string(bytes, CaptureBytes.skipSpaces(bytes, from: colon + 1, to: end)..<end))
            parsed.level = level
            return parsed
        }
        guard let second = CaptureBytes.find(UInt8(ascii: ":"), in: bytes, from: colon + 1, to: end)
        else { return nil }
        let logger = colon + 1..<second
        for index in logger where CaptureBytes.isSpace(bytes[index]) { return nil }
        var parsed = ParsedLine(message: CaptureBytes.string(bytes, second + 1..<end))
        parsed.level = level
        if !logger.isEmpty { parsed.fields.append(key: "logger", text: CaptureBytes.string(bytes, logger)) }
        return parsed
    }

    private static func pythonLevel(_ bytes: Bytes, _ range: Range<Int>) -> Logger.Level? {
        for (name, level) in pythonLevels where CaptureBytes.equals(bytes, range, name) { return level }
        return nil
    }

    private static let pythonLevels: [(StaticString, Logger.Level)] = [
        ("DEBUG", .debug), ("INFO", .info), ("WARNING", .warning), ("ERROR", .error), ("CRITICAL", .critical),
    ]

    /// `I, [2024-01-01T12:00:00.123456 #1234]  INFO -- progname: message`.
    private static func ruby(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64) -> ParsedLine? {
        let end = range.upperBound
        let start = range.lowerBound
        guard CaptureBytes.hasPrefix(bytes, at: start + 1, ", ["),
            let (timestamp, timeEnd) = CaptureTimestamp.parsePrefix(bytes, from: start + 4, zone: zone, receivedAt: receivedAt),
            let close = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: timeEnd, to: min(end, timeEnd + maximumGroupLength))
        else { return nil }
        let levelStart = CaptureBytes.skipSpaces(bytes, from: close + 1, to: end)
        let levelEnd = CaptureBytes.wordEnd(bytes, from: levelStart, to: end)
        guard let level = CaptureBytes.level(bytes, levelStart..<levelEnd),
            let dashes = CaptureBytes.find(" -- ", in: bytes, from: levelEnd, to: min(end, levelEnd + 2 + 4)),
            let colon = CaptureBytes.find(": ", in: bytes, from: dashes + 4, to: end) ?? (end >= 1 && bytes[end - 1] == UInt8(ascii: ":") ? end - 1 : nil)
        else { return nil }
        var parsed = ParsedLine(message: CaptureBytes.string(bytes, min(end, colon + 2)..<end))
        parsed.timestamp = timestamp
        parsed.level = level
        let program = CaptureBytes.trimmed(bytes, dashes + 4..<colon)
        if !program.isEmpty { parsed.fields.append(key: "logger", text: CaptureBytes.string(bytes, program)) }
        if let hash = CaptureBytes.find(UInt8(ascii: "#"), in: bytes, from: timeEnd, to: close),
            let pid = CaptureBytes.integer(bytes, hash + 1..<close)
        {
            parsed.fields.append(key: "pid", integer: pid)
        }
        return parsed
    }

    /// Reads level, logger, thread and pid from the words after the timestamp; the rest is the message.
    private static func afterTimestamp(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64) -> ParsedLine {
        let end = range.upperBound
        var parsed = ParsedLine(message: "")
        var level: Logger.Level?
        var logger: Range<Int>?
        var levelWord: Range<Int>?
        /// swift-log's metadata and module after a label written `label:`, read while recognising it.
        var swiftLogSplit: StreamLogHandlerMetadata.Split?
        var hasThread = false
        var index = range.lowerBound
        var messageStart = CaptureBytes.skipSpaces(bytes, from: index, to: end)
        var words = 0
        // Before the level: separators, `[thread]`, a pid, a logger name followed by a separator.
        while level == nil, words < maximumPrefixWords {
            words += 1
            index = CaptureBytes.skipSpaces(bytes, from: index, to: end)
            guard index < end else { break }
            if let next = separator(bytes, at: index, end: end) {
                index = next
            } else if bytes[index] == UInt8(ascii: "[") {
                guard let close = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: index + 1, to: min(end, index + maximumGroupLength))
                else { break }
                let content = CaptureBytes.trimmed(bytes, index + 1..<close)
                if let found = caseConsistentLevel(bytes, content) ?? mysqlLevel(bytes, content, before: close + 1, end: end) {
                    level = found
                } else if !hasThread {
                    parsed.fields.append(key: "thread", text: CaptureBytes.string(bytes, content))
                    hasThread = true
                }
                index = close + 1
            } else if let pair = metadataPair(bytes, from: index, end: end) {
                // Elixir's Logger: `key=value` metadata before `[level]`.
                LogfmtLineParser.assign(
                    CaptureFieldKey(bytes, pair.key), key: CaptureBytes.string(bytes, pair.key), value: CaptureBytes.string(bytes, pair.value),
                    to: &parsed, zone: zone, receivedAt: receivedAt
                )
                index = pair.value.upperBound
            } else {
                var wordEnd = CaptureBytes.wordEnd(bytes, from: index, to: end)
                let hasColon = wordEnd > index + 1 && bytes[wordEnd - 1] == UInt8(ascii: ":")
                if hasColon { wordEnd -= 1 }
                if let found = caseConsistentLevel(bytes, index..<wordEnd) ?? (hasColon ? postgresSeverity(bytes, index..<wordEnd) : nil) {
                    level = found
                    levelWord = index..<wordEnd
                    index = wordEnd + (hasColon ? 1 : 0)
                } else if let pid = CaptureBytes.integer(bytes, index..<wordEnd) {
                    parsed.fields.append(key: "pid", integer: pid)
                    index = wordEnd
                } else if logger == nil, !hasColon, separator(bytes, at: CaptureBytes.skipSpaces(bytes, from: wordEnd, to: end), end: end) != nil {
                    logger = index..<wordEnd
                    index = wordEnd
                } else {
                    break
                }
            }
        }
        guard let level else {
            // No level near the start (Go's `log`): everything after the timestamp is the message.
            parsed.message = CaptureBytes.string(bytes, messageStart..<end)
            return ParsedLine(message: parsed.message)
        }
        parsed.level = level
        // After the level: separators, a pid, `---`, `[thread]`, then maybe `logger - ` / `logger : `.
        words = 0
        // Spring Boot's groups after `---`: `[app] [thread]`, or `[thread]` alone.
        var afterDashes = false
        var springGroups: [Range<Int>] = []
        while words < maximumPrefixWords {
            words += 1
            index = CaptureBytes.skipSpaces(bytes, from: index, to: end)
            guard index < end else { break }
            if let next = separator(bytes, at: index, end: end) {
                if next - index == 3 { afterDashes = true }
                index = next
                continue
            }
            if bytes[index] == UInt8(ascii: "["),
                let close = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: index + 1, to: min(end, index + maximumGroupLength))
            {
                if isMySQLErrorCode(bytes, index + 1..<close) {
                    // MySQL 8: `[MY-010068] [Server] message`.
                    parsed.fields.append(key: "error_code", text: CaptureBytes.string(bytes, index + 1..<close))
                    index = CaptureBytes.skipSpaces(bytes, from: close + 1, to: end)
                    if index < end, bytes[index] == UInt8(ascii: "["),
                        let subsystemEnd = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: index + 1, to: min(end, index + maximumGroupLength))
                    {
                        logger = index + 1..<subsystemEnd
                        index = subsystemEnd + 1
                    }
                    break
                }
                let content = CaptureBytes.trimmed(bytes, index + 1..<close)
                if afterDashes, let (trace, span) = springCorrelation(bytes, content) {
                    parsed.ids.traceID = trace
                    parsed.ids.spanID = span
                } else if afterDashes, !hasThread {
                    if springGroups.count < 2 { springGroups.append(content) }
                } else if !hasThread {
                    parsed.fields.append(key: "thread", text: CaptureBytes.string(bytes, content))
                    hasThread = true
                }
                index = close + 1
                continue
            }
            let wordEnd = CaptureBytes.wordEnd(bytes, from: index, to: end)
            if let pid = CaptureBytes.integer(bytes, index..<wordEnd) {
                parsed.fields.append(key: "pid", integer: pid)
                index = wordEnd
                continue
            }
            let afterWord = CaptureBytes.skipSpaces(bytes, from: wordEnd, to: end)
            if logger == nil, afterWord > wordEnd, let next = separator(bytes, at: afterWord, end: end) {
                logger = index..<wordEnd
                index = next
            } else if logger == nil, let levelWord, !CaptureBytes.isUpper(bytes[levelWord.lowerBound]), wordEnd > index + 1,
                bytes[wordEnd - 1] == UInt8(ascii: ":"), let split = StreamLogHandlerMetadata.split(bytes, afterWord..<end)
            {
                // swift-log 1.6 and later attach the colon to the label: `info Hummingbird: key=value [Module] message`.
                logger = index..<(wordEnd - 1)
                index = wordEnd
                swiftLogSplit = split
            }
            break
        }
        if springGroups.count == 2, !springGroups[0].isEmpty { parsed.service = CaptureBytes.string(bytes, springGroups[0]) }
        if let thread = springGroups.last { parsed.fields.append(key: "thread", text: CaptureBytes.string(bytes, thread)) }
        messageStart = CaptureBytes.skipSpaces(bytes, from: index, to: end)
        // Rust's tracing-subscriber: an upper-case level, then the spans in scope and the target.
        if logger == nil, let levelWord, CaptureBytes.isUpper(bytes[levelWord.lowerBound]),
            let context = RustTracingContext.parse(bytes, from: messageStart, end: end)
        {
            for span in context.spanFields {
                LogfmtLineParser.assignPairs(bytes, span, to: &parsed, zone: zone, receivedAt: receivedAt)
            }
            if let target = context.target { parsed.fields.append(key: "logger", text: CaptureBytes.string(bytes, target)) }
            LogfmtLineParser.assignPairs(bytes, context.trailingFieldsStart..<end, to: &parsed, zone: zone, receivedAt: receivedAt)
            let messageEnd = CaptureBytes.trimmed(bytes, context.messageStart..<context.trailingFieldsStart).upperBound
            parsed.message = CaptureBytes.string(bytes, context.messageStart..<max(context.messageStart, messageEnd))
            return parsed
        }
        if let logger { parsed.fields.append(key: "logger", text: CaptureBytes.string(bytes, logger)) }
        // swift-log's StreamLogHandler: a lower-case level and a label, then its metadata and `[Module]`.
        if logger != nil, let levelWord, !CaptureBytes.isUpper(bytes[levelWord.lowerBound]),
            let split = swiftLogSplit ?? StreamLogHandlerMetadata.split(bytes, messageStart..<end)
        {
            for (key, value) in split.pairs {
                parsed.fields.append(key: CaptureBytes.string(bytes, key), text: CaptureBytes.string(bytes, value))
            }
            parsed.fields.append(key: "module", text: CaptureBytes.string(bytes, split.module))
            if let (method, path) = StreamLogHandlerMetadata.requestStart(bytes, split, end: end) {
                parsed.event = RecentRequest.startEvent
                parsed.fields.append(key: "method", text: CaptureBytes.string(bytes, method))
                parsed.fields.append(key: "path", text: URLPath.string(bytes, path))
            }
            messageStart = split.messageStart
        }
        parsed.message = CaptureBytes.string(bytes, messageStart..<end)
        return parsed
    }

    /// After a lone `-`, `|`, `:` or `---` followed by a space (or the end), the index after it.
    private static func separator(_ bytes: Bytes, at index: Int, end: Int) -> Int? {
        guard index < end else { return nil }
        var next = index
        switch bytes[index] {
        case UInt8(ascii: "-"):
            next = CaptureBytes.hasPrefix(bytes, at: index, "---") ? index + 3 : index + 1
        case UInt8(ascii: "|"), UInt8(ascii: ":"):
            next = index + 1
        default:
            return nil
        }
        guard next == end || CaptureBytes.isSpace(bytes[next]) else { return nil }
        return next
    }

    /// A `key=value` word at `start` (a name, `=`, and a value without spaces or quotes), followed by a
    /// `[` group: Elixir's Logger metadata before its `[level]`.
    private static func metadataPair(_ bytes: Bytes, from start: Int, end: Int) -> (key: Range<Int>, value: Range<Int>)? {
        let wordEnd = CaptureBytes.wordEnd(bytes, from: start, to: end)
        guard let equals = CaptureBytes.find(UInt8(ascii: "="), in: bytes, from: start, to: wordEnd), equals > start, equals + 1 < wordEnd,
            (start..<equals).allSatisfy({ CaptureBytes.isNameByte(bytes[$0]) }),
            !(equals + 1..<wordEnd).contains(where: { bytes[$0] == UInt8(ascii: "\"") })
        else { return nil }
        var next = CaptureBytes.skipSpaces(bytes, from: wordEnd, to: end)
        // Further pairs may come before the group.
        while next < end, bytes[next] != UInt8(ascii: "[") {
            let following = CaptureBytes.wordEnd(bytes, from: next, to: end)
            guard CaptureBytes.find(UInt8(ascii: "="), in: bytes, from: next, to: following) != nil else { return nil }
            next = CaptureBytes.skipSpaces(bytes, from: following, to: end)
        }
        guard next < end else { return nil }
        return (start..<equals, equals + 1..<wordEnd)
    }

    /// Micrometer Tracing's correlation group in Spring Boot's line, `traceId-spanId` (32 and 16 hex
    /// digits), as lowercase trace and span ids.
    private static func springCorrelation(_ bytes: Bytes, _ content: Range<Int>) -> (String, String)? {
        guard content.count == 49, bytes[content.lowerBound + 32] == UInt8(ascii: "-"),
            (content.lowerBound..<content.lowerBound + 32).allSatisfy({ CaptureBytes.isHex(bytes[$0]) }),
            (content.lowerBound + 33..<content.upperBound).allSatisfy({ CaptureBytes.isHex(bytes[$0]) })
        else { return nil }
        return (
            CaptureBytes.string(bytes, content.lowerBound..<content.lowerBound + 32).lowercased(),
            CaptureBytes.string(bytes, content.lowerBound + 33..<content.upperBound).lowercased()
        )
    }

    /// PostgreSQL's severities that are no level name elsewhere (`LOG:`, and `DETAIL:`, `HINT:`,
    /// `STATEMENT:`, `CONTEXT:` below an error), all informational.
    private static func postgresSeverity(_ bytes: Bytes, _ range: Range<Int>) -> Logger.Level? {
        for name in postgresSeverities where CaptureBytes.equals(bytes, range, name) { return .info }
        return nil
    }

    private static let postgresSeverities: [StaticString] = ["LOG", "DETAIL", "HINT", "STATEMENT", "CONTEXT"]

    /// MySQL 8's `[System]`, `[Note]`, `[Warning]` or `[ERROR]` before its `[MY-NNNNNN]` code.
    private static func mysqlLevel(_ bytes: Bytes, _ content: Range<Int>, before next: Int, end: Int) -> Logger.Level? {
        let codeStart = CaptureBytes.skipSpaces(bytes, from: next, to: end)
        guard codeStart > next, codeStart < end, bytes[codeStart] == UInt8(ascii: "["),
            let close = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: codeStart + 1, to: min(end, codeStart + 16)),
            isMySQLErrorCode(bytes, codeStart + 1..<close)
        else { return nil }
        for (word, level) in mysqlLevels where CaptureBytes.equals(bytes, content, word) { return level }
        return nil
    }

    private static let mysqlLevels: [(StaticString, Logger.Level)] = [("System", .notice), ("Note", .info), ("Warning", .warning), ("ERROR", .error)]

    /// `MY-` and digits.
    private static func isMySQLErrorCode(_ bytes: Bytes, _ range: Range<Int>) -> Bool {
        range.count > 3 && CaptureBytes.hasPrefix(bytes, at: range.lowerBound, "MY-", end: range.upperBound)
            && (range.lowerBound + 3..<range.upperBound).allSatisfy { CaptureBytes.isDigit(bytes[$0]) }
    }

    /// A level word written all in upper case or all in lower case.
    private static func caseConsistentLevel(_ bytes: Bytes, _ range: Range<Int>) -> Logger.Level? {
        guard let first = range.first else { return nil }
        let upper = CaptureBytes.isUpper(bytes[first])
        for index in range where CaptureBytes.isAlpha(bytes[index]) && CaptureBytes.isUpper(bytes[index]) != upper { return nil }
        return CaptureBytes.level(bytes, range)
    }
}
