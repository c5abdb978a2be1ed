import RequestTracing

/// Converts between record timestamps (microseconds since the Unix epoch) and their text forms.
enum RecordTime {
    /// Now, in microseconds since the Unix epoch.
    static func now() -> Int64 { UTCTimestamp.now().microsecondsSinceEpoch }

    /// RFC 3339 UTC with microseconds (`2026-01-31T10:15:23.456789Z`).
    static func format(_ microseconds: Int64) -> String {
        UTCTimestamp(microsecondsSinceEpoch: microseconds).description
    }

    /// Appends the RFC 3339 form (unquoted) to `writer`.
    static func write(_ microseconds: Int64, to writer: inout JSONWriter) {
        let timestamp = UTCTimestamp(microsecondsSinceEpoch: microseconds)
        writer.appendFixed(count: UTCTimestamp.length) { timestamp.write(to: $0) }
    }

    /// Parses an epoch number: seconds below 1e11, milliseconds below 1e14, microseconds below 1e17,
    /// nanoseconds above (the magnitudes of the present day in each unit never overlap).
    static func fromEpochNumber(_ value: Double) -> Int64? {
        guard value.isFinite, value >= 0 else { return nil }
        let micros: Double
        switch value {
        case ..<1e11: micros = value * 1e6
        case ..<1e14: micros = value * 1e3
        case ..<1e17: micros = value
        default: micros = value / 1e3
        }
        guard micros < 9e18 else { return nil }
        return Int64(micros.rounded())
    }

    /// Parses RFC 3339 (`2026-01-31T10:15:23.456Z`, `2026-01-31 10:15:23+02:00`, fractions of any length
    /// up to nanoseconds, `T`/`Z` in either case). Returns `nil` for anything else.
    static func parse(_ bytes: [UInt8]) -> Int64? {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    /// The same, over bytes borrowed from a request body (no copy: this runs once per ingested record).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        func number(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let digit = Int(bytes[index + offset]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            index += count
            return value
        }
        func expect(_ allowed: UInt8, _ alternative: UInt8 = 0, _ another: UInt8 = 0) -> Bool {
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            guard byte == allowed || (alternative != 0 && byte == alternative) || (another != 0 && byte == another) else {
                return false
            }
            index += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            expect(0x54, 0x74, 0x20), let hour = number(2), expect(0x3A), let minute = number(2), expect(0x3A),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var micros = 0
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if digits < 6 { micros = micros * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        var offsetSeconds = 0
        if expect(0x5A, 0x7A) {
            // UTC
        } else if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D {
            let sign = bytes[index] == 0x2D ? -1 : 1
            index += 1
            guard let offsetHours = number(2), expect(0x3A), let offsetMinutes = number(2), offsetHours < 24,
                offsetMinutes < 60
            else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetSeconds)
        return seconds * 1_000_000 + Int64(micros)
    }

    /// Days in `month` (1–12) of `year` in the proleptic Gregorian calendar.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
