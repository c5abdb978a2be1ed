import Foundation
import Testing
@testable import RequestTracing

struct UTCTimestampTests {
    @Test(arguments: [
        (0, 1970, 1, 1),
        (1, 1970, 1, 2),
        (-1, 1969, 12, 31),
        (-365, 1969, 1, 1),
        (-719_468, 0, 3, 1),
        (10_957, 2000, 1, 1),
        (11_016, 2000, 2, 29),
        (11_017, 2000, 3, 1),
        (19_782, 2024, 2, 29),
        (19_783, 2024, 3, 1),
        (19_417, 2023, 3, 1),
        (47_541, 2100, 3, 1),
        (47_540, 2100, 2, 28),
        (20_454, 2026, 1, 1),
    ] as [(Int64, Int, Int, Int)])
    func civilDateFromDayCount(_ days: Int64, _ year: Int, _ month: Int, _ day: Int) {
        let civil = UTCTimestamp.civil(fromDays: days)
        #expect(civil.0 == year)
        #expect(civil.1 == month)
        #expect(civil.2 == day)
    }

    @Test func civilDatesAgreeWithTheGregorianCalendarForManyDays() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for days in stride(from: Int64(-30_000), through: 60_000, by: 37) {
            let date = Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let civil = UTCTimestamp.civil(fromDays: days)
            #expect(civil.0 == parts.year && civil.1 == parts.month && civil.2 == parts.day, "day \(days)")
        }
    }

    @Test func formatsAKnownInstant() {
        // 2009-02-13T23:31:30Z is Unix time 1234567890.
        #expect(UTCTimestamp(seconds: 1_234_567_890, microseconds: 123_456).description == "2009-02-13T23:31:30.123456Z")
        #expect(UTCTimestamp(seconds: 0, microseconds: 0).description == "1970-01-01T00:00:00.000000Z")
        #expect(UTCTimestamp(seconds: 951_782_400, microseconds: 7).description == "2000-02-29T00:00:00.000007Z")
        #expect(UTCTimestamp(seconds: 1_709_251_199, microseconds: 999_999).description == "2024-02-29T23:59:59.999999Z")
    }

    @Test func formatsInstantsBeforeTheEpoch() {
        #expect(UTCTimestamp(seconds: -1, microseconds: 500_000).description == "1969-12-31T23:59:59.500000Z")
        #expect(UTCTimestamp(seconds: -86_400, microseconds: 0).description == "1969-12-31T00:00:00.000000Z")
        #expect(UTCTimestamp(seconds: -86_401, microseconds: 0).description == "1969-12-30T23:59:59.000000Z")
    }

    @Test func formatsLikeFoundationForManyInstants() throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        // Every field takes many values: seconds step by a prime across 1900-2100, microseconds by another.
        var micros: Int32 = 0
        for seconds in stride(from: Int64(-2_208_988_800), through: 4_102_444_800, by: 9_999_991) {
            micros = (micros + 123_457) % 1_000_000
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
                + "." + String(repeating: "0", count: 6 - String(micros).count) + String(micros) + "Z"
            #expect(UTCTimestamp(seconds: seconds, microseconds: micros).description == expected, "\(seconds)")
        }
    }

    @Test func yearsOutsideRFC3339KeepTheFixedLength() {
        // Year 10000 and year -1 have no four-digit form; the line keeps its shape and nothing traps.
        #expect(UTCTimestamp(seconds: 253_402_300_800, microseconds: 0).description.utf8.count == 27)
        #expect(UTCTimestamp(seconds: -62_198_755_200, microseconds: 0).description.utf8.count == 27)
        #expect(UTCTimestamp(seconds: 0, microseconds: -5).description.utf8.count == 27)
    }

    @Test func formattedLengthIsFixed() {
        #expect(UTCTimestamp.length == 27)
        #expect(UTCTimestamp.now().description.utf8.count == 27)
        var buffer: [UInt8] = Array("prefix:".utf8)
        UTCTimestamp(seconds: 1_234_567_890, microseconds: 0).write(into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "prefix:2009-02-13T23:31:30.000000Z")
    }

    @Test func nowMatchesTheSystemClock() throws {
        let stamp = UTCTimestamp.now()
        let difference = Double(stamp.seconds) + Double(stamp.microseconds) / 1e6 - Date().timeIntervalSince1970
        #expect(abs(difference) < 2)
        #expect((0..<1_000_000).contains(stamp.microseconds))
    }

    @Test func ordersBySecondsThenMicroseconds() {
        let a = UTCTimestamp(seconds: 10, microseconds: 999_999)
        let b = UTCTimestamp(seconds: 11, microseconds: 0)
        let c = UTCTimestamp(seconds: 11, microseconds: 1)
        #expect(a < b && b < c)
        #expect(!(c < a))
        #expect([c, a, b].sorted() == [a, b, c])
    }
}
