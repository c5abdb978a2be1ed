import Logging

/// Reads the lines of NestJS's console logger (`ConsoleLogger`, what `new Logger(Context)` writes to by
/// default): `[Nest] PID  - DATE     LEVEL [Context] message +Nms`.
///
/// ```
/// [Nest] 12345  - 11/30/2026, 10:00:02 AM     LOG [RouterExplorer] Mapped {/api, GET} route +2ms
/// [Nest] 12345  - 11/30/2026, 10:00:03 AM   ERROR [ExceptionsHandler] Cannot read properties of undefined
/// ```
///
/// `Nest` may be any application name (the logger's `prefix`). The date is read in the en-US form; in
/// another locale's the line is still read, at the time it was received. `LOG` is info and `VERBOSE` debug.
/// The process id becomes `pid`, the context `logger`; the `+Nms` since the previous line is left out.
enum NestLineParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    private static let levels: [(StaticString, Logger.Level)] = [
        ("LOG", .info), ("ERROR", .error), ("WARN", .warning), ("DEBUG", .debug), ("VERBOSE", .debug), ("FATAL", .critical),
    ]

    /// Longest application name and context read.
    private static let maximumNameLength = 64
    /// How far after the `- ` the level is looked for when the date is in a form not read.
    private static let dateScanLimit = 48

    static func parse(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone) -> ParsedLine? {
        let end = range.upperBound
        guard range.count > 8, bytes[range.lowerBound] == UInt8(ascii: "["),
            let close = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: range.lowerBound + 1, to: min(end, range.lowerBound + 2 + maximumNameLength)),
            close > range.lowerBound + 1, CaptureBytes.wordEnd(bytes, from: range.lowerBound, to: close) == close
        else { return nil }
        // `] 12345  - `
        let pidStart = CaptureBytes.skipSpaces(bytes, from: close + 1, to: end)
        let pidEnd = CaptureBytes.wordEnd(bytes, from: pidStart, to: end)
        guard pidStart == close + 2, let pid = CaptureBytes.integer(bytes, pidStart..<pidEnd) else { return nil }
        let dash = CaptureBytes.skipSpaces(bytes, from: pidEnd, to: end)
        guard dash > pidEnd, dash + 1 < end, bytes[dash] == UInt8(ascii: "-"), bytes[dash + 1] == 0x20 else { return nil }
        let dateStart = dash + 2

        var parsed = ParsedLine(message: "")
        var levelSearchStart = dateStart
        if let (timestamp, dateEnd) = CaptureTimestamp.parseUSLocaleDateTime(bytes, from: dateStart, zone: zone) {
            parsed.timestamp = timestamp
            levelSearchStart = dateEnd
        } else {
            // Another locale's date: digits first, and a time (`:`) before the level.
            guard dateStart < end, CaptureBytes.isDigit(bytes[dateStart]) else { return nil }
        }
        guard let (level, levelEnd) = level(bytes, from: levelSearchStart, to: min(end, levelSearchStart + dateScanLimit), end: end),
            parsed.timestamp != nil || CaptureBytes.find(UInt8(ascii: ":"), in: bytes, from: dateStart, to: levelEnd) != nil
        else { return nil }
        parsed.level = level
        parsed.fields.append(key: "pid", integer: pid)

        var messageStart = CaptureBytes.skipSpaces(bytes, from: levelEnd, to: end)
        if messageStart < end, bytes[messageStart] == UInt8(ascii: "["),
            let contextEnd = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: messageStart + 1, to: min(end, messageStart + 2 + maximumNameLength)),
            contextEnd > messageStart + 1
        {
            parsed.fields.append(key: "logger", text: CaptureBytes.string(bytes, messageStart + 1..<contextEnd))
            messageStart = CaptureBytes.skipSpaces(bytes, from: contextEnd + 1, to: end)
        }
        parsed.message = CaptureBytes.string(bytes, messageStart..<elapsedSuffixStart(bytes, messageStart..<end))
        return parsed
    }

    /// The first level word standing alone (spaces before it, a space or `end` after it) starting before `limit`.
    private static func level(_ bytes: Bytes, from start: Int, to limit: Int, end: Int) -> (Logger.Level, Int)? {
        var index = start
        while index < limit {
            guard bytes[index] == 0x20 else {
                index += 1
                continue
            }
            let wordStart = CaptureBytes.skipSpaces(bytes, from: index, to: limit)
            for (word, level) in levels where CaptureBytes.hasPrefix(bytes, at: wordStart, word, end: end) {
                let wordEnd = wordStart + word.utf8CodeUnitCount
                if wordEnd == end || bytes[wordEnd] == 0x20 { return (level, wordEnd) }
            }
            index = max(index + 1, wordStart)
        }
        return nil
    }

    /// Where a trailing ` +12ms` starts, or the end of the range.
    private static func elapsedSuffixStart(_ bytes: Bytes, _ range: Range<Int>) -> Int {
        let end = range.upperBound
        guard end - range.lowerBound >= 5, CaptureBytes.hasPrefix(bytes, at: end - 2, "ms") else { return end }
        var index = end - 2
        while index > range.lowerBound, CaptureBytes.isDigit(bytes[index - 1]) { index -= 1 }
        guard index < end - 2, index - 2 >= range.lowerBound, bytes[index - 1] == UInt8(ascii: "+"), bytes[index - 2] == 0x20 else { return end }
        return index - 2
    }
}
