/// Appends JSON text to a byte buffer: escaped strings, numbers, and metadata values.
///
/// Strings are escaped per RFC 8259: `"` and `\` are backslash-escaped, every control character below
/// U+0020 becomes `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`, and U+2028/U+2029 are escaped so a line is
/// also safe to embed in JavaScript. Swift strings are always valid UTF-8 (invalid input bytes were
/// repaired to U+FFFD when the string was made), so the output is valid UTF-8 too.
package struct JSONWriter {
    /// Deepest metadata nesting written as JSON; deeper values are written as their description.
    static let maximumDepth = 32

    package var bytes: [UInt8]

    package init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    package mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    package mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Writes `,"key":` (or `"key":` when `first`).
    package mutating func key(_ key: String, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes a quoted, escaped string.
    package mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        if value.utf8.withContiguousStorageIfAvailable({ escape($0) }) == nil {
            var copy = value
            copy.withUTF8 { escape($0) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var index = 0
        let count = utf8.count
        while index < count {
            // Skip 8 plain ASCII bytes at a time (no control character, quote, backslash or non-ASCII).
            while index + 8 <= count {
                let word = UnsafeRawPointer(utf8.baseAddress! + index).loadUnaligned(as: UInt64.self)
                if Self.mayNeedEscape(word) { break }
                index += 8
            }
            if index >= count { break }
            let byte = utf8[index]
            let needsEscape: Bool
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                needsEscape = true
            } else if byte == 0xE2, index + 2 < count, utf8[index + 1] == 0x80, utf8[index + 2] & 0xFE == 0xA8 {
                needsEscape = true  // U+2028 / U+2029
            } else {
                needsEscape = false
            }
            if !needsEscape {
                index += 1
                continue
            }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "\n"): raw("\\n")
            case UInt8(ascii: "\r"): raw("\\r")
            case UInt8(ascii: "\t"): raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0xE2:
                raw(utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029")
                index += 2
            default:
                raw("\\u00")
                bytes.append(Hex.digits[Int(byte >> 4)])
                bytes.append(Hex.digits[Int(byte & 0xF)])
            }
            index += 1
            runStart = index
        }
        if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count])) }
    }

    /// Whether any byte of `word` is below 0x20, is `"` or `\\`, or is not ASCII (SWAR test, after
    /// "Bit Twiddling Hacks": a byte of `x ^ c` is zero exactly where `x` has byte `c`).
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below0x20 = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & highs
        let hasBackslash = (backslash &- ones) & ~backslash & highs
        return (below0x20 | hasQuote | hasBackslash | (word & highs)) != 0
    }

    /// Writes an integer.
    package mutating func integer(_ value: some BinaryInteger) {
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let start = bytes.count
        while magnitude > 0 {
            bytes.append(UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0"))
            magnitude /= 10
        }
        bytes[start...].reverse()
    }

    /// Writes a finite number with up to three decimals (trailing zeros trimmed); non-finite values,
    /// which JSON cannot represent, are written as `null`.
    package mutating func decimal(_ value: Double) {
        guard value.isFinite else {
            raw("null")
            return
        }
        guard abs(value) < 1e15 else {
            bytes.append(contentsOf: value.description.utf8)
            return
        }
        let scaled = (value * 1000).rounded()
        let thousandths = Int64(scaled)
        if thousandths < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = thousandths.magnitude
        integer(magnitude / 1000)
        var fraction = magnitude % 1000
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            var divisor: UInt64 = 100
            while fraction != 0 {
                bytes.append(UInt8(truncatingIfNeeded: fraction / divisor) &+ UInt8(ascii: "0"))
                fraction %= divisor
                divisor /= 10
            }
        }
    }

    /// Writes a metadata value: strings as strings, numbers and booleans as JSON numbers and booleans,
    /// arrays and dictionaries as JSON (to ``maximumDepth``), anything else as its description.
    mutating func metadataValue(_ value: Logger.MetadataValue, depth: Int = 0) {
        switch value {
        case .string(let string):
            self.string(string)
        case .stringConvertible(let convertible):
            scalar(convertible)
        case .array(let values):
            guard depth < Self.maximumDepth else { return string(value.description) }
            bytes.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                metadataValue(element, depth: depth + 1)
            }
            bytes.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            guard depth < Self.maximumDepth else { return string(value.description) }
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for (key, element) in dictionary {
                self.key(key, first: first)
                first = false
                metadataValue(element, depth: depth + 1)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Numbers and booleans become JSON numbers and booleans. The common types are tested first, and
    /// by type identity, so a typical value costs one dynamic cast rather than a chain of them.
    private mutating func scalar(_ value: any CustomStringConvertible & Sendable) {
        let type = ObjectIdentifier(Swift.type(of: value))
        if type == ObjectIdentifier(Int.self) {
            integer(value as! Int)
        } else if type == ObjectIdentifier(Double.self) {
            decimal(value as! Double)
        } else if type == ObjectIdentifier(Bool.self) {
            (value as! Bool) ? raw("true") : raw("false")
        } else if type == ObjectIdentifier(UInt.self) {
            integer(value as! UInt)
        } else if type == ObjectIdentifier(Int64.self) {
            integer(value as! Int64)
        } else if type == ObjectIdentifier(UInt64.self) {
            integer(value as! UInt64)
        } else if type == ObjectIdentifier(Int32.self) {
            integer(value as! Int32)
        } else if type == ObjectIdentifier(UInt32.self) {
            integer(value as! UInt32)
        } else if type == ObjectIdentifier(Int16.self) {
            integer(value as! Int16)
        } else if type == ObjectIdentifier(UInt16.self) {
            integer(value as! UInt16)
        } else if type == ObjectIdentifier(UInt8.self) {
            integer(value as! UInt8)
        } else if type == ObjectIdentifier(Float.self) {
            decimal(Double(value as! Float))
        } else {
            string(value.description)
        }
    }
}

import Logging
