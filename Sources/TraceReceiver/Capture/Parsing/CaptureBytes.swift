import Logging

/// Byte-level helpers shared by the capture line parsers, which scan UTF-8 without building
/// intermediate strings (they run once per captured line).
enum CaptureBytes {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Longest word read as a level name (`CRITICAL`, `EMERGENCY` and `INFORMATION` fit; sentences do not).
    static let maximumLevelWordLength = 11
    /// Most digits an `Int64` can hold (nanoseconds since the epoch need 19).
    static let maximumIntegerDigits = 19

    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
    @inline(__always) static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }
    @inline(__always) static func isAlnum(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) }
    @inline(__always) static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 6 }
    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "A") < 26 }
    /// Letters, digits, `_`, `.` and `-`: a name as processes, metadata keys and record fields are named.
    @inline(__always) static func isNameByte(_ byte: UInt8) -> Bool {
        isAlnum(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }

    /// The text of `range` (invalid UTF-8 is repaired with U+FFFD).
    static func string(_ bytes: Bytes, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The first index at or after `index` that is not a space or tab.
    static func skipSpaces(_ bytes: Bytes, from index: Int, to end: Int? = nil) -> Int {
        let end = end ?? bytes.count
        var index = index
        while index < end, isSpace(bytes[index]) { index += 1 }
        return index
    }

    /// `range` without leading and trailing spaces, tabs, CRs and LFs.
    static func trimmed(_ bytes: Bytes, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, isTrimmable(bytes[lower]) { lower += 1 }
        while upper > lower, isTrimmable(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// `range` without blank lines at its start and whitespace at its end: a stack keeps the
    /// indentation of its first line.
    static func trimmedLines(_ bytes: Bytes, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var lineStart = lower
        while lower < range.upperBound, isTrimmable(bytes[lower]) {
            if bytes[lower] == 0x0A { lineStart = lower + 1 }
            lower += 1
        }
        let upper = trimmed(bytes, lower..<range.upperBound).upperBound
        return lineStart..<max(lineStart, upper)
    }

    /// The first line of `range`, trimmed, and the lines after it (``trimmedLines(_:_:)``; empty, at the
    /// end of `range`, when there are none).
    static func firstLine(_ bytes: Bytes, _ range: Range<Int>) -> (line: Range<Int>, rest: Range<Int>) {
        guard let newline = find(0x0A, in: bytes, from: range.lowerBound, to: range.upperBound) else {
            return (trimmed(bytes, range), range.upperBound..<range.upperBound)
        }
        return (trimmed(bytes, range.lowerBound..<newline), trimmedLines(bytes, newline + 1..<range.upperBound))
    }

    @inline(__always) private static func isTrimmable(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    /// Whether `literal` occurs at `index`, ending by `end` (the buffer's end by default), ASCII letters
    /// compared without case when `ignoringCase`. Callers reading one line of a larger buffer pass the
    /// line's end, so that a match never runs on into what follows it.
    static func hasPrefix(_ bytes: Bytes, at index: Int, _ literal: StaticString, ignoringCase: Bool = false, end: Int? = nil)
        -> Bool
    {
        let count = literal.utf8CodeUnitCount
        guard index >= 0, index + count <= min(end ?? bytes.count, bytes.count) else { return false }
        return literal.withUTF8Buffer { expected in
            for offset in 0..<count {
                let actual = bytes[index + offset]
                let wanted = expected[offset]
                if actual == wanted { continue }
                if ignoringCase, isAlpha(wanted), actual | 0x20 == wanted | 0x20 { continue }
                return false
            }
            return true
        }
    }

    /// Whether the bytes of `range` equal `literal` exactly.
    static func equals(_ bytes: Bytes, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && hasPrefix(bytes, at: range.lowerBound, literal)
    }

    /// The first occurrence of `byte` in `from..<end`.
    static func find(_ byte: UInt8, in bytes: Bytes, from: Int, to end: Int? = nil) -> Int? {
        var index = from
        let end = end ?? bytes.count
        while index < end {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    /// The first occurrence of `literal` in `from..<end`.
    static func find(_ literal: StaticString, in bytes: Bytes, from: Int, to end: Int? = nil, ignoringCase: Bool = false)
        -> Int?
    {
        let end = end ?? bytes.count
        let count = literal.utf8CodeUnitCount
        guard count > 0, end - from >= count else { return nil }
        let first = literal.withUTF8Buffer { $0[0] }
        var index = from
        while index + count <= end {
            let byte = bytes[index]
            if byte == first || (ignoringCase && isAlpha(first) && byte | 0x20 == first | 0x20),
                hasPrefix(bytes, at: index, literal, ignoringCase: ignoringCase)
            {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The end of the word (run of non-space bytes) starting at `index`.
    static func wordEnd(_ bytes: Bytes, from index: Int, to end: Int? = nil) -> Int {
        let end = end ?? bytes.count
        var index = index
        while index < end, !isSpace(bytes[index]) { index += 1 }
        return index
    }

    /// Reads `range` as a level name when it is a single word of letters (`ERROR`, `warn`, `Information`).
    /// Numbers are not accepted here: a bare number in text is rarely a level.
    static func level(_ bytes: Bytes, _ range: Range<Int>) -> Logger.Level? {
        guard (3...maximumLevelWordLength).contains(range.count) else { return nil }
        for index in range where !isAlpha(bytes[index]) { return nil }
        return Logger.Level(aliasUTF8: UnsafeBufferPointer(rebasing: bytes[range]))
    }

    /// Parses an unsigned decimal integer spanning exactly `range`.
    static func integer(_ bytes: Bytes, _ range: Range<Int>) -> Int64? {
        guard !range.isEmpty, range.count <= maximumIntegerDigits else { return nil }
        var value: Int64 = 0
        for index in range {
            guard isDigit(bytes[index]) else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, carry) = shifted.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
            guard !overflow, !carry else { return nil }
            value = sum
        }
        return value
    }
}
