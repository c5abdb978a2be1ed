import Foundation
import Logging
import Testing

@testable import TraceReceiver

@Suite("RecordTime")
struct RecordTimeTests {
    static func parse(_ text: String) -> Int64? { RecordTime.parse(Array(text.utf8)) }

    @Test(arguments: [
        ("2026-01-31T10:15:23.456Z", Int64(1_769_854_523_456_000)),
        ("2026-01-31t10:15:23.456z", Int64(1_769_854_523_456_000)),
        ("2026-01-31 10:15:23.456Z", Int64(1_769_854_523_456_000)),
        ("2026-01-31T12:15:23.456+02:00", Int64(1_769_854_523_456_000)),
        ("2026-01-31T04:45:23.456-05:30", Int64(1_769_854_523_456_000)),
        ("2026-01-31T10:15:23.456789123Z", Int64(1_769_854_523_456_789)),
        ("2026-01-31T10:15:23Z", Int64(1_769_854_523_000_000)),
        ("2000-02-29T23:59:59Z", Int64(951_868_799_000_000)),
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2016-12-31T23:59:60Z", Int64(1_483_228_799_000_000)),
    ])
    func parsesRFC3339(_ text: String, _ expected: Int64) {
        #expect(Self.parse(text) == expected)
    }

    @Test(arguments: [
        "", "2026-01-31", "2026-01-31T10:15:23", "2026-01-31T10:15:23.Z", "2026-13-01T00:00:00Z", "2026-01-32T00:00:00Z",
        "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-01-31T24:00:00Z", "2026-01-31T10:60:00Z", "2026-1-31T10:15:23Z", "2026-01-31T10:15:23+0200",
        "2026-01-31T10:15:23Z ", "2026-01-31T10:15:23ZZ", "yesterday", "１９７０-01-01T00:00:00Z",
    ])
    func rejectsAnythingElse(_ text: String) {
        #expect(Self.parse(text) == nil, "\(text)")
    }

    @Test func readsEpochNumbersByMagnitude() {
        #expect(RecordTime.fromEpochNumber(1_700_000_000) == 1_700_000_000_000_000)
        #expect(RecordTime.fromEpochNumber(1_700_000_000.5) == 1_700_000_000_500_000)
        #expect(RecordTime.fromEpochNumber(1_700_000_000_123) == 1_700_000_000_123_000)
        #expect(RecordTime.fromEpochNumber(1_700_000_000_123_456) == 1_700_000_000_123_456)
        #expect(RecordTime.fromEpochNumber(1_700_000_000_123_456_000) == 1_700_000_000_123_456)
        #expect(RecordTime.fromEpochNumber(0) == 0)
        #expect(RecordTime.fromEpochNumber(-1) == nil)
        #expect(RecordTime.fromEpochNumber(.infinity) == nil)
        #expect(RecordTime.fromEpochNumber(.nan) == nil)
        #expect(RecordTime.fromEpochNumber(1e30) == nil)
    }

    @Test func timeExpressionsAreSpansBackFromNowOrTimestamps() {
        let now: Int64 = 1_769_854_523_456_000
        #expect(TimeExpression.parse("30m", now: now) == now - 1_800_000_000)
        #expect(TimeExpression.parse("1h", now: now) == now - 3_600_000_000)
        #expect(TimeExpression.parse("2d", now: now) == now - 172_800_000_000)
        #expect(TimeExpression.parse("45s", now: now) == now - 45_000_000)
        #expect(TimeExpression.parse("2026-01-31T10:15:23.456Z", now: 0) == now)
        #expect(TimeExpression.parse("5y", now: now) == nil)
        #expect(TimeExpression.parse("m", now: now) == nil)
        #expect(TimeExpression.parse("-5m", now: now) == nil)
    }
}

@Suite("Logger.Level aliases")
struct LevelAliasTests {
    @Test(arguments: [
        ("trace", Logger.Level.trace), ("DEBUG", .debug), ("Info", .info), ("information", .info), ("notice", .notice),
        ("warn", .warning), ("WARNING", .warning), ("err", .error), ("error", .error), ("fatal", .critical),
        ("panic", .critical), ("emergency", .critical), ("critical", .critical), ("10", .trace), ("30", .info),
        ("40", .warning), ("60", .critical), ("1", .trace), ("5", .debug), ("9", .info), ("13", .warning), ("17", .error),
        ("24", .critical),
    ])
    func readsNamesPinoAndOpenTelemetryNumbers(_ text: String, _ expected: Logger.Level) {
        #expect(Logger.Level(alias: text) == expected)
    }

    @Test(arguments: ["", "loud", "0", "25", "70", "-1", "warn ing", "1e1"])
    func refusesUnknownLevels(_ text: String) {
        #expect(Logger.Level(alias: text) == nil)
    }
}

@Suite("URLPath")
struct URLPathTests {
    @Test(arguments: [
        ("https://shop.test/pay?card=1", "/pay"), ("http://localhost:5000/api/orders?id=7#top", "/api/orders"), ("https://shop.test", "/"),
        ("/orders/42?ref=mail", "/orders/42"), ("/login?next=https://evil.test/x", "/login"), ("/a#b", "/a"), ("", ""), ("?x=1", ""),
        ("http://", "/"), ("://", "/"), ("/caf\u{E9}/men\u{FC}?q=\u{1F600}", "/caf\u{E9}/men\u{FC}"), ("https://h\u{E9}.test/\u{E9}#x", "/\u{E9}"),
    ])
    func isTheTargetsPathWithoutItsQueryOrFragment(_ target: String, _ path: String) {
        #expect(URLPath.of(Substring(target)) == Substring(path))
        // The same read on a captured line's bytes, the target in the middle of the line.
        var line = "GET " + target + " HTTP/1.1"
        let read = line.withUTF8 { URLPath.string($0, 4..<(4 + target.utf8.count)) }
        #expect(read == path)
    }
}

@Suite("OriginPolicy")
struct OriginPolicyTests {
    let defaults = OriginPolicy(ReceiverConfiguration().allowedOrigins)

    @Test(arguments: ["http://localhost:3000", "http://LOCALHOST:3000", "http://localhost", "http://127.0.0.1:5173"])
    func allowsTheDefaultLoopbackOriginsOnAnyPort(_ origin: String) {
        #expect(defaults.allows(origin))
    }

    @Test(arguments: [
        "https://localhost:3000", "http://localhost.evil.example", "http://localhost:3000/", "http://user@localhost:3000",
        "null", "", "http://localhost:*", "http://localhost:30a0", "ftp://localhost:3000", "http://127.0.0.2:80",
        "http://localhost:3000\r\nX: y", "http://[::1]:3000",
    ])
    func refusesEverythingElse(_ origin: String) {
        #expect(!defaults.allows(origin))
    }

    @Test func matchesExactPortsIPv6AndAWildcard() {
        let policy = OriginPolicy(["https://app.example.com:8443", "http://[::1]:*"])
        #expect(policy.allows("https://app.example.com:8443"))
        #expect(policy.allows("https://APP.example.com:8443"))
        #expect(!policy.allows("https://app.example.com"))
        #expect(!policy.allows("https://app.example.com:8444"))
        #expect(policy.allows("http://[::1]:3000"))
        #expect(!policy.allows("http://[::1"))
        let everyone = OriginPolicy(["*"])
        #expect(everyone.allows("https://anything.example"))
        #expect(!everyone.allows("null"), "a wildcard still needs a well-formed origin")
        #expect(!everyone.allows("https://x.example/path"))
    }
}

@Suite("TokenBucket and KeyedRateLimiter")
struct RateLimiterTests {
    @Test func aBucketAdmitsItsBurstThenRefillsAtItsRate() {
        var bucket = TokenBucket(rate: 2, burst: 4, now: 0)
        for _ in 0..<4 {
            #expect(bucket.retryAfter() == nil)
            bucket.take(1)
        }
        #expect(bucket.retryAfter() == 0.5, "one token at 2/s")
        bucket.refill(now: 250_000)
        #expect(bucket.retryAfter() == 0.25)
        bucket.refill(now: 500_000)
        #expect(bucket.retryAfter() == nil)
        bucket.refill(now: 100_000_000)
        #expect(bucket.tokens == 4 && bucket.isFull, "never above the burst")
        bucket.refill(now: 50_000_000)
        #expect(bucket.tokens == 4, "time going backwards changes nothing")
    }

    @Test func aBatchLargerThanTheBurstPassesIntoDebtAndThenWaits() {
        var bucket = TokenBucket(rate: 10, burst: 20, now: 0)
        bucket.take(50)
        #expect(bucket.tokens == -30)
        #expect(bucket.retryAfter() == 3.1)
    }

    @Test func admitsOrRefusesAllKeysOfABatchTogether() {
        let limiter = KeyedRateLimiter(rate: 1, burst: 2)
        #expect(limiter.admit(["a": 5], now: 0) == .admitted)
        #expect(limiter.admit(["a": 1, "b": 1], now: 0) == .limited(retryAfter: 4))
        #expect(limiter.admit(["b": 2], now: 0) == .admitted, "b took nothing from the refused batch")
        #expect(limiter.admit("a", now: 3_000_000) == .limited(retryAfter: 1))
        #expect(limiter.admit("a", now: 4_000_000) == .admitted)
    }

    @Test func boundsTheKeysItTracks() {
        let limiter = KeyedRateLimiter(rate: 1, burst: 1, maximumKeys: 3)
        for key in ["a", "b", "c"] { #expect(limiter.admit(key, now: 0) == .admitted) }
        // No bucket is full: new keys share one overflow bucket.
        #expect(limiter.admit("d", now: 0) == .admitted)
        #expect(limiter.admit("e", now: 0) == .limited(retryAfter: 1))
        #expect(limiter.trackedKeys <= 4)
        // Once buckets refill they are forgotten and new keys get their own again.
        #expect(limiter.admit("f", now: 10_000_000) == .admitted)
        #expect(limiter.admit("g", now: 10_000_000) == .admitted)
        #expect(limiter.trackedKeys <= 4)
    }
}

@Suite("JSONScanner")
struct JSONScannerTests {
    static func scan(_ bytes: [UInt8]) -> Result<JSONScanner.Value, JSONSyntaxError> {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            do throws(JSONSyntaxError) {
                let value = try scanner.scanValue()
                scanner.skipWhitespace()
                guard scanner.isAtEnd else { return .failure(JSONSyntaxError("trailing data")) }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
    }

    static func accepts(_ text: String) -> Bool { (try? scan(Array(text.utf8)).get()) != nil }

    @Test(arguments: [
        #"{}"#, #"[]"#, #" { "a" : [ 1 , -0 , 0.5 , 1e10 , 1.5E-3 , -2E+2 , true , false , null ] } "#,
        #""\"\\\/\b\f\n\r\t""#, #""\u00e9\uD83D\uDE00""#, #""\ud800""#, #""\uDC00 lone low""#, "\"caf\u{E9} \u{1F600}\"",
        #"{"a":{"b":{"c":[[[]]]}}}"#, "\"\u{7F}\"",
    ])
    func acceptsValidJSON(_ text: String) {
        #expect(Self.accepts(text), "\(text)")
    }

    @Test(arguments: [
        "", "{", "[1,]", #"{"a":1,}"#, "{a:1}", "{'a':1}", "01", "1.", ".5", "-", "+1", "1e", "tru", "nul", "NaN", "Infinity",
        #""\x41""#, #""\u12""#, #""\u12G4""#, "\"a\tb\"", "\"a\nb\"", #""unterminated"#, "[1 2]", #"{"a" 1}"#, "\"\\", "{}{}",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(!Self.accepts(text), "\(text)")
    }

    @Test(arguments: [
        [0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
        [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22], [0x22, 0x80, 0x22], [0x22, 0xE0, 0x80, 0xAF, 0x22],
    ] as [[UInt8]])
    func rejectsInvalidUTF8InStrings(_ bytes: [UInt8]) {
        guard case .failure(let error) = Self.scan(bytes) else {
            Issue.record("accepted \(bytes)")
            return
        }
        #expect(error.reason.contains("UTF-8"))
    }

    @Test func readsPlainDecimalsToTheSameDoubleAsStrtodAndLeavesOtherNumbersToIt() {
        func plain(_ text: String) -> Double? {
            Array(text.utf8).withUnsafeBufferPointer { JSONScanner.plainDecimal($0) }
        }
        var numbers = [
            "0", "-0", "1", "1.25", "0.1", "0.2", "0.3", "-12.5", "123456789012345", "0.000000000000001",
            "9007199254740.99", "999999999999999", "99999999999999.9", "3.14159265358979", "0.30000000000000",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let digits = String(UInt64.random(in: 0..<1_000_000_000_000_000, using: &generator))
            let cut = Int.random(in: 0...digits.count - 1, using: &generator)
            let integer = String(digits.prefix(cut)).drop { $0 == "0" }
            let fraction = digits.dropFirst(cut)
            numbers.append((Bool.random() ? "-" : "") + (integer.isEmpty ? "0" : String(integer)) + "." + fraction)
        }
        for number in numbers {
            let expected = try! #require(Double(number))
            let fast = plain(number)
            if number.filter(\.isNumber).count <= 15 {
                #expect(fast?.bitPattern == expected.bitPattern, "\(number): \(String(describing: fast)) vs strtod \(expected)")
            } else {
                #expect(fast == nil, "\(number) has more than 15 digits")
            }
        }
        for number in ["1e10", "1.5E-3", "-2E+2", "1234567890123456", "0.1234567890123456"] {
            #expect(plain(number) == nil, "\(number)")
        }
    }

    @Test func limitsNestingTo64Levels() {
        #expect(Self.accepts(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)))
        #expect(!Self.accepts(String(repeating: "[", count: 65) + String(repeating: "]", count: 65)))
        #expect(!Self.accepts(String(repeating: "[", count: 100_000)), "no stack overflow on hostile depth")
    }

    @Test func decodesEscapesIncludingSurrogatePairs() {
        func decode(_ text: String) -> String {
            Array(text.utf8).withUnsafeBufferPointer { buffer in
                var scanner = JSONScanner(buffer)
                let value = try! scanner.scanValue()
                return scanner.string(value)
            }
        }
        #expect(decode(#""\uD83D\uDE00""#) == "😀")
        #expect(decode(#""a\u00e9\n\t\"\\\/""#) == "aé\n\t\"\\/")
        #expect(decode(#""\ud800x""#) == "\u{FFFD}x", "a lone high surrogate becomes U+FFFD")
        #expect(decode(#""\udc00""#) == "\u{FFFD}")
        #expect(decode(#""\ud800\u0041""#) == "\u{FFFD}A")
        #expect(decode(#""\u0000""#) == "\u{0}")
    }
}
