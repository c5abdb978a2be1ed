import Logging

/// Guesses the level of a plain text line.
///
/// In order: crash markers (`panic:` at the start, `Fatal error:` anywhere, the Swift runtime's
/// `*** Signal N: Backtracing` / `*** Program crashed:` → critical; `Traceback (most
/// recent call last):`, `Exception in thread`, `Uncaught`/`Unhandled` or `Error:` at the start, Go net/http's
/// `http: panic serving` near it → error; `warning:` at the start → warning; XCTest's `Test Case '…' failed` →
/// error; a compiler's `file:12:5: error:` or `warning:` → error or warning),
/// then the first upper-case level word standing alone (`ERROR`, `WARN`, `FATAL`, `DEBUG`…), or one in
/// square brackets in any case (`[error]`, nginx's error log). `nil` when the text gives no sign.
enum LevelInference {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// How far into a line level words are looked for; later words are prose.
    static let scanLimit = 256

    static func infer(_ bytes: Bytes, _ range: Range<Int>) -> Logger.Level? {
        let start = range.lowerBound
        if CaptureBytes.hasPrefix(bytes, at: start, "panic: ", end: range.upperBound) { return .critical }
        let limit = min(range.upperBound, start + scanLimit)
        if CaptureBytes.find("Fatal error:", in: bytes, from: start, to: limit, ignoringCase: true) != nil { return .critical }
        if isSwiftCrashReport(bytes, range) { return .critical }
        if isRecoveredGoPanic(bytes, range) { return .error }
        if CaptureBytes.hasPrefix(bytes, at: start, "Traceback (most recent call last)", end: range.upperBound)
            || CaptureBytes.hasPrefix(bytes, at: start, "Exception in thread ", end: range.upperBound)
            || CaptureBytes.hasPrefix(bytes, at: start, "Uncaught ", end: range.upperBound)
            || CaptureBytes.hasPrefix(bytes, at: start, "Unhandled ", end: range.upperBound)
            || CaptureBytes.hasPrefix(bytes, at: start, "Error: ", end: range.upperBound)
            || CaptureBytes.hasPrefix(bytes, at: start, "error: ", end: range.upperBound)
        {
            return .error
        }
        if CaptureBytes.hasPrefix(bytes, at: start, "warning: ", end: range.upperBound) { return .warning }
        if isFailedXCTest(bytes, start..<limit) { return .error }
        if let level = compilerDiagnostic(bytes, start..<limit) { return level }
        var index = start
        while index < limit {
            let byte = bytes[index]
            let previous: UInt8 = index > start ? bytes[index - 1] : 0x20
            if byte == UInt8(ascii: "["), let close = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: index + 1, to: limit),
                let level = CaptureBytes.level(bytes, index + 1..<close)
            {
                return level
            }
            guard CaptureBytes.isUpper(byte), !CaptureBytes.isAlnum(previous) else {
                index += 1
                continue
            }
            var wordEnd = index
            while wordEnd < limit, CaptureBytes.isAlnum(bytes[wordEnd]) { wordEnd += 1 }
            if isAllUpper(bytes, index..<wordEnd), wordEnd == limit || bytes[wordEnd] != UInt8(ascii: "_"),
                let level = CaptureBytes.level(bytes, index..<wordEnd)
            {
                return level
            }
            index = wordEnd
        }
        return nil
    }

    /// Where the Swift runtime's `Fatal error:` is in the line (`main.swift:3: Fatal error: Index out of
    /// range`, or after a logger's prefix), if it is: the mark of a crash whose backtrace report may follow.
    static func swiftFatalError(_ bytes: Bytes, _ range: Range<Int>) -> Int? {
        CaptureBytes.find(swiftFatalErrorMarker, in: bytes, from: range.lowerBound, to: range.upperBound)
    }

    static let swiftFatalErrorMarker: StaticString = "Fatal error:"

    /// Whether the line opens the Swift runtime's crash report: `*** Signal 11: Backtracing from 0x… ***`,
    /// or `*** Program crashed: Segmentation fault at 0x… ***` (with 💣 instead of `***` on a terminal).
    static func isSwiftCrashReport(_ bytes: Bytes, _ range: Range<Int>) -> Bool {
        let start = range.lowerBound
        return (CaptureBytes.hasPrefix(bytes, at: start, "*** Signal ", end: range.upperBound)
            && CaptureBytes.find(": Backtracing", in: bytes, from: start, to: min(range.upperBound, start + 32)) != nil)
            || CaptureBytes.hasPrefix(bytes, at: start, "*** Program crashed: ", end: range.upperBound)
            || CaptureBytes.hasPrefix(bytes, at: start, "💣 Program crashed: ", end: range.upperBound)
    }

    /// The status symbol a dev server puts before a line (Next.js: `⨯` for an error, `⚠` for a warning) and
    /// its length with the space after it.
    static func statusSymbol(_ bytes: Bytes, _ range: Range<Int>) -> (level: Logger.Level, length: Int)? {
        for (symbol, level) in statusSymbols where CaptureBytes.hasPrefix(bytes, at: range.lowerBound, symbol, end: range.upperBound) {
            return (level, symbol.utf8CodeUnitCount)
        }
        return nil
    }

    /// Next.js's `⨯` and `⚠`; swift-testing's `✘` for a failed test or a recorded issue (`􀢄` on macOS).
    private static let statusSymbols: [(StaticString, Logger.Level)] = [("⨯ ", .error), ("⚠ ", .warning), ("✘ ", .error), ("􀢄 ", .error)]

    /// XCTest's verdict on a failed test or suite: `Test Case 'AppTests.testHello' failed (0.004 seconds).`,
    /// `Test Suite 'All tests' failed at 2026-11-30 10:00:00.123.`
    static func isFailedXCTest(_ bytes: Bytes, _ range: Range<Int>) -> Bool {
        let start = range.lowerBound
        guard CaptureBytes.hasPrefix(bytes, at: start, "Test Case '", end: range.upperBound)
            || CaptureBytes.hasPrefix(bytes, at: start, "Test Suite '", end: range.upperBound)
        else { return false }
        return CaptureBytes.find("' failed ", in: bytes, from: start, to: range.upperBound) != nil
    }

    /// A compiler's diagnostic after the place it points at: `main.swift:12:5: error: …` (swiftc, clang,
    /// gcc), `src/app.ts(12,5): error TS2322: …` (tsc); `warning` is a warning. `note:` gives nothing.
    static func compilerDiagnostic(_ bytes: Bytes, _ range: Range<Int>) -> Logger.Level? {
        for (marker, level) in diagnosticMarkers {
            var from = range.lowerBound
            while let found = CaptureBytes.find(marker, in: bytes, from: from, to: range.upperBound) {
                if pointsAtAPlace(bytes, before: found, from: range.lowerBound) { return level }
                from = found + 1
            }
        }
        return nil
    }

    /// Whether the text before `end` ends with `path:12` / `path:12:5` or `path(12,5)`.
    private static func pointsAtAPlace(_ bytes: Bytes, before end: Int, from start: Int) -> Bool {
        var index = end
        let closing = index > start && bytes[index - 1] == UInt8(ascii: ")")
        if closing { index -= 1 }
        let digitsEnd = index
        while index > start, CaptureBytes.isDigit(bytes[index - 1]) || (closing && bytes[index - 1] == UInt8(ascii: ",")) { index -= 1 }
        guard index < digitsEnd, index - 1 > start else { return false }
        let opener = bytes[index - 1]
        return closing ? opener == UInt8(ascii: "(") : opener == UInt8(ascii: ":") && !CaptureBytes.isSpace(bytes[index - 2])
    }

    private static let diagnosticMarkers: [(StaticString, Logger.Level)] = [(": error: ", .error), (": error TS", .error), (": warning: ", .warning)]

    /// How far into a line net/http's `http: panic serving` is looked for (after a `log` timestamp).
    private static let recoveredPanicScanLimit = 64

    /// Whether the line is Go net/http's report of a handler's panic that it recovered
    /// (`2024/05/01 12:00:00 http: panic serving 127.0.0.1:53422: runtime error: …`), a goroutine dump below.
    static func isRecoveredGoPanic(_ bytes: Bytes, _ range: Range<Int>) -> Bool {
        let limit = min(range.upperBound, range.lowerBound + recoveredPanicScanLimit)
        return CaptureBytes.find("http: panic serving ", in: bytes, from: range.lowerBound, to: limit) != nil
    }

    private static func isAllUpper(_ bytes: Bytes, _ range: Range<Int>) -> Bool {
        for index in range where !CaptureBytes.isUpper(bytes[index]) { return false }
        return true
    }
}
