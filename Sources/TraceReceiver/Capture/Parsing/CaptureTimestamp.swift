import RequestTracing

/// Reads the timestamp forms that captured text lines start with.
///
/// - RFC 3339 and ISO 8601 variants: `2024-01-01T12:00:00.123Z`, `2024-01-01 12:00:00,123`,
///   `2024-01-01T12:00:00+0100`, `2024-01-01 12:00:00 +0000`
/// - slashed dates (Go's `log`, nginx's error log): `2024/01/01 12:00:00.123456`
/// - the access-log form: `10/Oct/2000:13:55:36 -0700`
/// - a time of day alone (logback's default): `12:00:00.123`, on the day the line was received
///
/// Timestamps without a zone are read in the parser's ``NaiveTimeZone``.
enum CaptureTimestamp {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    private static let microsecondsPerSecond: Int64 = 1_000_000
    private static let secondsPerDay: Int64 = 86_400
    private static let fractionDigits = 6
    private static let months: [StaticString] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Parses a timestamp starting at `start`; returns microseconds since the epoch and the index after it.
    static func parsePrefix(_ bytes: Bytes, from start: Int, zone: NaiveTimeZone, receivedAt: Int64) -> (Int64, Int)? {
        var cursor = Cursor(bytes: bytes, index: start)
        if let result = dateTime(&cursor, zone: zone) { return (result, cursor.index) }
        cursor.index = start
        if let result = accessLogTime(&cursor) { return (result, cursor.index) }
        cursor.index = start
        if let result = timeOfDay(&cursor, zone: zone, receivedAt: receivedAt) { return (result, cursor.index) }
        return nil
    }

    /// Parses `range` as one whole timestamp (surrounding spaces allowed).
    static func parseWhole(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64) -> Int64? {
        let range = CaptureBytes.trimmed(bytes, range)
        guard !range.isEmpty else { return nil }
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        if let exact = RecordTime.parse(slice) { return exact }
        guard let (micros, end) = parsePrefix(slice, from: 0, zone: zone, receivedAt: receivedAt) else { return nil }
        // Go's default `time.Time` text ends with the zone's abbreviation after the offset (`-0400 EDT`).
        let rest = CaptureBytes.trimmed(slice, end..<slice.count)
        for index in rest where !CaptureBytes.isUpper(slice[index]) { return nil }
        return micros
    }

    /// Parses a whole string (a JSON value or a pattern's capture).
    static func parse(_ text: String, zone: NaiveTimeZone, receivedAt: Int64) -> Int64? {
        var text = text
        return text.withUTF8 { parseWhole($0, 0..<$0.count, zone: zone, receivedAt: receivedAt) }
    }

    private struct Cursor {
        let bytes: Bytes
        var index: Int

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func number(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard CaptureBytes.isDigit(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            index += 1
            return true
        }

        /// A month's English abbreviation in any case (`Nov`): its number, 1–12.
        mutating func monthName() -> Int? {
            guard let found = months.firstIndex(where: { CaptureBytes.hasPrefix(bytes, at: index, $0, ignoringCase: true) }) else { return nil }
            index += 3
            return found + 1
        }

        /// `.123` or `,123456789`: microseconds (extra digits dropped).
        mutating func fraction() -> Int64 {
            guard let separator = current, separator == UInt8(ascii: ".") || separator == UInt8(ascii: ","),
                index + 1 < bytes.count, CaptureBytes.isDigit(bytes[index + 1])
            else { return 0 }
            index += 1
            var micros: Int64 = 0
            var digits = 0
            while let byte = current, CaptureBytes.isDigit(byte) {
                if digits < fractionDigits { micros = micros * 10 + Int64(byte - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            while digits < fractionDigits {
                micros *= 10
                digits += 1
            }
            return micros
        }

        /// `Z`, `±HH:MM`, `±HHMM`, `±HH`, optionally after one space; `nil` when there is none.
        mutating func zoneOffset() -> Int? {
            let start = index
            if current == UInt8(ascii: "Z") || current == UInt8(ascii: "z") {
                index += 1
                return 0
            }
            _ = consume(0x20)
            if CaptureBytes.hasPrefix(bytes, at: index, "UTC") || CaptureBytes.hasPrefix(bytes, at: index, "GMT") {
                index += 3
                return 0
            }
            guard let sign = current, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else {
                index = start
                return nil
            }
            index += 1
            guard let hours = number(2), hours < 24 else {
                index = start
                return nil
            }
            var minutes = 0
            let colon = consume(UInt8(ascii: ":"))
            if let value = number(2) {
                minutes = value
            } else if colon {
                index = start
                return nil
            }
            guard minutes < 60 else {
                index = start
                return nil
            }
            let offset = hours * 3600 + minutes * 60
            return sign == UInt8(ascii: "-") ? -offset : offset
        }
    }

    /// `YYYY-MM-DD[T ]HH:MM:SS[.frac][zone]` or with slashes.
    private static func dateTime(_ cursor: inout Cursor, zone: NaiveTimeZone) -> Int64? {
        guard let year = cursor.number(4), let separator = cursor.current,
            separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/")
        else { return nil }
        cursor.index += 1
        guard let month = cursor.number(2), cursor.consume(separator), let day = cursor.number(2) else { return nil }
        guard let joiner = cursor.current, joiner == UInt8(ascii: "T") || joiner == UInt8(ascii: "t") || joiner == 0x20
        else { return nil }
        cursor.index += 1
        guard let (seconds, micros) = clock(&cursor), let dayStart = startOfDay(year: year, month: month, day: day) else { return nil }
        let wallClock = dayStart + seconds
        let offset = cursor.zoneOffset() ?? zone.offset(forWallClock: wallClock)
        return instant(wallClock: wallClock, offset: offset, micros: micros)
    }

    /// Seconds from the epoch to the start of `day` of `month` (1–12) of `year` on a wall clock; `nil` for a
    /// date that does not exist.
    private static func startOfDay(year: Int, month: Int, day: Int) -> Int64? {
        guard (1...12).contains(month), (1...RecordTime.daysInMonth(year: year, month: month)).contains(day) else { return nil }
        return Int64(RecordTime.daysFromCivil(year: year, month: month, day: day)) * secondsPerDay
    }

    /// Microseconds since the epoch of `wallClock` (seconds, as a clock `offset` seconds east of UTC reads
    /// them) and `micros`.
    private static func instant(wallClock: Int64, offset: Int, micros: Int64) -> Int64 {
        (wallClock - Int64(offset)) * microsecondsPerSecond + micros
    }

    /// ``instant(wallClock:offset:micros:)`` for a clock in `zone`.
    private static func instant(wallClock: Int64, zone: NaiveTimeZone, micros: Int64) -> Int64 {
        instant(wallClock: wallClock, offset: zone.offset(forWallClock: wallClock), micros: micros)
    }

    /// `HH:MM:SS[.frac]` as seconds of the day and microseconds.
    private static func clock(_ cursor: inout Cursor) -> (Int64, Int64)? {
        guard let hour = cursor.number(2), cursor.consume(UInt8(ascii: ":")), let minute = cursor.number(2),
            cursor.consume(UInt8(ascii: ":")), let second = cursor.number(2), hour < 24, minute < 60, second < 61
        else { return nil }
        let micros = cursor.fraction()
        return (Int64(hour * 3600 + minute * 60 + min(second, 59)), micros)
    }

    /// `10/Oct/2000:13:55:36 -0700`.
    private static func accessLogTime(_ cursor: inout Cursor) -> Int64? {
        guard let day = cursor.number(2), cursor.consume(UInt8(ascii: "/")), let month = cursor.monthName(),
            cursor.consume(UInt8(ascii: "/")), let year = cursor.number(4), cursor.consume(UInt8(ascii: ":")),
            let (seconds, micros) = clock(&cursor), let offset = cursor.zoneOffset(),
            let dayStart = startOfDay(year: year, month: month, day: day)
        else { return nil }
        return instant(wallClock: dayStart + seconds, offset: offset, micros: micros)
    }

    /// `HH:MM:SS[.frac]` at `start` on `month`/`day` of a year the line does not give (glog's header): the
    /// year the line was received in, or the one before when that would put the line more than a day
    /// after it was received (for 29 February, the latest leap year that does not). Returns microseconds
    /// since the epoch and the index after the time.
    static func parseMonthDayTime(
        _ bytes: Bytes,
        month: Int,
        day: Int,
        from start: Int,
        zone: NaiveTimeZone,
        receivedAt: Int64
    ) -> (Int64, Int)? {
        var cursor = Cursor(bytes: bytes, index: start)
        guard (1...12).contains(month), let (seconds, micros) = clock(&cursor) else { return nil }
        let receivedSeconds = receivedAt / microsecondsPerSecond
        let localDay = (receivedSeconds + Int64(zone.offset(forWallClock: receivedSeconds))) / secondsPerDay
        var year = UTCTimestamp.civil(fromDays: localDay).0
        // At most a year back for the future, and four more for a 29 February (the last leap year).
        for _ in 0..<5 {
            guard let dayStart = startOfDay(year: year, month: month, day: day) else {
                year -= 1
                continue
            }
            let micros = instant(wallClock: dayStart + seconds, zone: zone, micros: micros)
            if micros - receivedAt > secondsPerDay * microsecondsPerSecond {
                year -= 1
                continue
            }
            return (micros, cursor.index)
        }
        return nil
    }

    /// `DD Mon YYYY HH:MM:SS.mmm` at `start` (Redis), read in `zone`. Returns microseconds since the epoch and
    /// the index after the time.
    static func parseDayMonthNameYear(_ bytes: Bytes, from start: Int, zone: NaiveTimeZone) -> (Int64, Int)? {
        var cursor = Cursor(bytes: bytes, index: start)
        guard let day = cursor.number(2), cursor.consume(0x20), let month = cursor.monthName(), cursor.consume(0x20),
            let year = cursor.number(4), cursor.consume(0x20), let (seconds, micros) = clock(&cursor),
            let dayStart = startOfDay(year: year, month: month, day: day)
        else { return nil }
        return (instant(wallClock: dayStart + seconds, zone: zone, micros: micros), cursor.index)
    }

    /// `MM/DD/YYYY, h:mm:ss AM` at `start`: JavaScript's `Date.toLocaleString()` in the en-US locale (NestJS's
    /// console logger), the space before `AM`/`PM` a narrow no-break space (U+202F) since ICU 72 (Node 20).
    /// Read in `zone`. Returns microseconds since the epoch and the index after the time.
    static func parseUSLocaleDateTime(_ bytes: Bytes, from start: Int, zone: NaiveTimeZone) -> (Int64, Int)? {
        var cursor = Cursor(bytes: bytes, index: start)
        guard let month = cursor.number(2), cursor.consume(UInt8(ascii: "/")), let day = cursor.number(2),
            cursor.consume(UInt8(ascii: "/")), let year = cursor.number(4), cursor.consume(UInt8(ascii: ",")),
            cursor.consume(0x20)
        else { return nil }
        let hourDigits = cursor.index + 1 < bytes.count && CaptureBytes.isDigit(bytes[cursor.index + 1]) ? 2 : 1
        guard let hour = cursor.number(hourDigits), (1...12).contains(hour), cursor.consume(UInt8(ascii: ":")),
            let minute = cursor.number(2), minute < 60, cursor.consume(UInt8(ascii: ":")), let second = cursor.number(2), second < 61
        else { return nil }
        if !cursor.consume(0x20) {
            guard CaptureBytes.hasPrefix(bytes, at: cursor.index, "\u{202F}") else { return nil }
            cursor.index += 3
        }
        let isPM: Bool
        if CaptureBytes.hasPrefix(bytes, at: cursor.index, "PM") {
            isPM = true
        } else if CaptureBytes.hasPrefix(bytes, at: cursor.index, "AM") {
            isPM = false
        } else {
            return nil
        }
        cursor.index += 2
        guard let dayStart = startOfDay(year: year, month: month, day: day) else { return nil }
        let hourOfDay = hour % 12 + (isPM ? 12 : 0)
        let wallClock = dayStart + Int64(hourOfDay * 3600 + minute * 60 + min(second, 59))
        return (instant(wallClock: wallClock, zone: zone, micros: 0), cursor.index)
    }

    /// `HH:MM:SS.mmm` alone: the time of day on the (local) day the line was received.
    private static func timeOfDay(_ cursor: inout Cursor, zone: NaiveTimeZone, receivedAt: Int64) -> Int64? {
        guard let (seconds, micros) = clock(&cursor) else { return nil }
        let receivedSeconds = receivedAt / microsecondsPerSecond
        let offset = Int64(zone.offset(forWallClock: receivedSeconds))
        let localDay = (receivedSeconds + offset).quotientAndRemainder(dividingBy: secondsPerDay).quotient
        return instant(wallClock: localDay * secondsPerDay + seconds, offset: Int(offset), micros: micros)
    }
}
