#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A wall-clock instant, formatted as RFC 3339 UTC with microseconds (`2026-01-31T10:15:23.456789Z`).
///
/// Formatting is pure arithmetic (Howard Hinnant's `civil_from_days`): no `localtime`, `strftime` or
/// `DateFormatter`, which on glibc re-reads `/etc/localtime` for every call.
package struct UTCTimestamp: Sendable, Hashable, Comparable {
    /// Whole seconds since the Unix epoch.
    package var seconds: Int64
    /// Microseconds within the second.
    package var microseconds: Int32

    package init(seconds: Int64, microseconds: Int32) {
        self.seconds = seconds
        self.microseconds = microseconds
    }

    /// The instant `microseconds` after the Unix epoch.
    package init(microsecondsSinceEpoch value: Int64) {
        let seconds = value >= 0 ? value / 1_000_000 : (value - 999_999) / 1_000_000
        self.init(seconds: seconds, microseconds: Int32(value - seconds * 1_000_000))
    }

    /// Microseconds since the Unix epoch.
    package var microsecondsSinceEpoch: Int64 { seconds * 1_000_000 + Int64(microseconds) }

    package static func now() -> UTCTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UTCTimestamp(seconds: Int64(spec.tv_sec), microseconds: Int32(spec.tv_nsec / 1000))
    }

    /// Length of the formatted form.
    package static let length = 27

    /// Appends the formatted form to `buffer`.
    package func write(into buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.length))
        buffer.withUnsafeMutableBufferPointer { all in write(to: all.baseAddress! + start) }
    }

    /// Writes the formatted form, exactly ``length`` bytes, to `out`.
    package func write(to out: UnsafeMutablePointer<UInt8>) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        if (0...9999).contains(year) {
            Self.pair(year / 100, out, 0)
            Self.pair(year % 100, out, 2)
        } else {
            Self.digits(year, 4, out, 0)  // garbled, as a year outside 0...9999 has no RFC 3339 form
        }
        out[4] = UInt8(ascii: "-")
        Self.pair(month, out, 5)
        out[7] = UInt8(ascii: "-")
        Self.pair(day, out, 8)
        out[10] = UInt8(ascii: "T")
        Self.pair(secondOfDay / 3600, out, 11)
        out[13] = UInt8(ascii: ":")
        Self.pair(secondOfDay / 60 % 60, out, 14)
        out[16] = UInt8(ascii: ":")
        Self.pair(secondOfDay % 60, out, 17)
        out[19] = UInt8(ascii: ".")
        // 0...999_999 for every value `now()` and `init(microsecondsSinceEpoch:)` make.
        let micros = Int(microseconds)
        if (0...999_999).contains(micros) {
            Self.pair(micros / 10_000, out, 20)
            Self.pair(micros / 100 % 100, out, 22)
            Self.pair(micros % 100, out, 24)
        } else {
            Self.digits(micros, 6, out, 20)
        }
        out[26] = UInt8(ascii: "Z")
    }

    /// The formatted form as a string.
    package var description: String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.length)
        write(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    package static func < (lhs: UTCTimestamp, rhs: UTCTimestamp) -> Bool {
        (lhs.seconds, lhs.microseconds) < (rhs.seconds, rhs.microseconds)
    }

    /// `00` to `99`, two bytes per number.
    private static let digitPairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// Writes `value` (0...99) as two digits at `out + offset`.
    @inline(__always)
    private static func pair(_ value: Int, _ out: UnsafeMutablePointer<UInt8>, _ offset: Int) {
        let digits = digitPairs.utf8Start + value &* 2
        out[offset] = digits[0]
        out[offset &+ 1] = digits[1]
    }

    @inline(__always)
    private static func digits(_ value: Int, _ count: Int, _ out: UnsafeMutablePointer<UInt8>, _ offset: Int) {
        var value = value
        var index = offset + count - 1
        while index >= offset {
            out[index] = UInt8(truncatingIfNeeded: value % 10) &+ UInt8(ascii: "0")
            value /= 10
            index -= 1
        }
    }

    /// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian).
    package static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
