import Logging

/// Reads the header of glog and klog (Kubernetes components, many Go and C++ services):
/// `Lmmdd hh:mm:ss.uuuuuu threadid file:line] message`, where `L` is `I`, `W`, `E` or `F`.
///
/// ```
/// E0501 12:00:00.123456   12345 server.go:123] failed to sync request_id=r-9
/// I0501 12:00:01.000000       1 controller.go:80] "Pod updated" pod="default/web"
/// ```
///
/// The header has no year: it is the year the line was received in, or the one before when that would
/// put the line more than a day in the future (a line from 31 December read on 1 January). The thread id
/// is kept as `thread` and `file:line` as `caller`. klog's structured form quotes the message; the quotes
/// are removed when the text inside needs no unescaping.
enum GlogLineParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    private static let levels: [(UInt8, Logger.Level)] = [
        (UInt8(ascii: "I"), .info), (UInt8(ascii: "W"), .warning), (UInt8(ascii: "E"), .error), (UInt8(ascii: "F"), .critical),
    ]

    /// Longest `file:line` read.
    private static let maximumCallerLength = 128

    static func parse(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64) -> ParsedLine? {
        let start = range.lowerBound
        let end = range.upperBound
        // `Lmmdd hh:mm:ss` at least.
        guard end - start > 14, let level = levels.first(where: { $0.0 == bytes[start] })?.1,
            let month = CaptureBytes.integer(bytes, start + 1..<start + 3), let day = CaptureBytes.integer(bytes, start + 3..<start + 5),
            bytes[start + 5] == 0x20,
            let (timestamp, timeEnd) = CaptureTimestamp.parseMonthDayTime(
                bytes, month: Int(month), day: Int(day), from: start + 6, zone: zone, receivedAt: receivedAt
            )
        else { return nil }
        let threadStart = CaptureBytes.skipSpaces(bytes, from: timeEnd, to: end)
        let threadEnd = CaptureBytes.wordEnd(bytes, from: threadStart, to: end)
        guard timeEnd < threadStart, CaptureBytes.integer(bytes, threadStart..<threadEnd) != nil, threadEnd < end else { return nil }
        let callerStart = threadEnd + 1
        let callerLimit = min(end, callerStart + maximumCallerLength)
        guard let close = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: callerStart, to: callerLimit), close > callerStart, CaptureBytes.wordEnd(bytes, from: callerStart, to: close) == close,
            CaptureBytes.find(UInt8(ascii: ":"), in: bytes, from: callerStart, to: close) != nil
        else { return nil }
        var parsed = ParsedLine(message: message(bytes, CaptureBytes.trimmed(bytes, close + 1..<end)))
        parsed.timestamp = timestamp
        parsed.level = level
        parsed.fields.append(key: "thread", text: CaptureBytes.string(bytes, threadStart..<threadEnd))
        parsed.fields.append(key: "caller", text: CaptureBytes.string(bytes, callerStart..<close))
        return parsed
    }

    /// The message, without the quotes of klog's structured form (`"Pod updated" pod="default/web"`) when
    /// the quoted text has no escapes; the key-value pairs after it stay.
    private static func message(_ bytes: Bytes, _ range: Range<Int>) -> String {
        guard let first = range.first, bytes[first] == UInt8(ascii: "\""),
            let close = CaptureBytes.find(UInt8(ascii: "\""), in: bytes, from: first + 1, to: range.upperBound),
            CaptureBytes.find(UInt8(ascii: "\\"), in: bytes, from: first + 1, to: close) == nil,
            close + 1 == range.upperBound || bytes[close + 1] == 0x20
        else { return CaptureBytes.string(bytes, range) }
        let quoted = CaptureBytes.string(bytes, first + 1..<close)
        let rest = CaptureBytes.trimmed(bytes, close + 1..<range.upperBound)
        return rest.isEmpty ? quoted : quoted + " " + CaptureBytes.string(bytes, rest)
    }
}
