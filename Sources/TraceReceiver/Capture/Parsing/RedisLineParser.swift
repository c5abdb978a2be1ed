import Logging

/// Reads Redis's (and Valkey's) log lines: `PID:ROLE DD Mon YYYY HH:MM:SS.mmm SYMBOL message`.
///
/// ```
/// 1:M 30 Nov 2026 09:00:00.123 * Ready to accept connections tcp
/// 1:M 30 Nov 2026 09:00:01.123 # WARNING Memory overcommit must be enabled!
/// ```
///
/// The role is `M` (primary), `S` (replica), `C` (a forked child writing the RDB or AOF) or `X`
/// (sentinel); the symbol is the level: `.` debug, `-` verbose (debug), `*` notice, `#` warning. The
/// process id becomes `pid` and the role `role`.
enum RedisLineParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    private static let roles: [UInt8: String] = [
        UInt8(ascii: "M"): "primary", UInt8(ascii: "S"): "replica", UInt8(ascii: "C"): "child", UInt8(ascii: "X"): "sentinel",
    ]
    private static let levels: [UInt8: Logger.Level] = [
        UInt8(ascii: "."): .debug, UInt8(ascii: "-"): .debug, UInt8(ascii: "*"): .notice, UInt8(ascii: "#"): .warning,
    ]

    static func parse(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone) -> ParsedLine? {
        let end = range.upperBound
        var index = range.lowerBound
        while index < end, CaptureBytes.isDigit(bytes[index]) { index += 1 }
        guard index > range.lowerBound, index + 3 < end, bytes[index] == UInt8(ascii: ":"), let role = roles[bytes[index + 1]],
            bytes[index + 2] == 0x20, let pid = CaptureBytes.integer(bytes, range.lowerBound..<index),
            let (timestamp, timeEnd) = CaptureTimestamp.parseDayMonthNameYear(bytes, from: index + 3, zone: zone),
            timeEnd + 1 < end, bytes[timeEnd] == 0x20, let level = levels[bytes[timeEnd + 1]],
            timeEnd + 2 == end || bytes[timeEnd + 2] == 0x20
        else { return nil }
        var parsed = ParsedLine(message: CaptureBytes.string(bytes, CaptureBytes.skipSpaces(bytes, from: timeEnd + 2, to: end)..<end))
        parsed.timestamp = timestamp
        parsed.level = level
        parsed.fields.append(key: "pid", integer: pid)
        parsed.fields.append(key: "role", text: role)
        return parsed
    }
}
