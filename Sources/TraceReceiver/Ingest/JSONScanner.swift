import RequestTracing

/// A validating, non-allocating JSON tokenizer over UTF-8 bytes (RFC 8259).
///
/// It checks the full grammar (including UTF-8 well-formedness inside strings and a nesting limit) and
/// reports where each value lies, so callers can decode the few values they need and copy the rest
/// through verbatim. Nothing is materialised unless asked for.
struct JSONScanner {
    /// Deepest nesting of arrays and objects accepted.
    static let maximumDepth = 64

    /// A scanned value: its raw byte range and, for strings, where the content lies between the quotes.
    struct Value {
        enum Kind: Equatable {
            case string(hasEscapes: Bool)
            case number
            case object
            case array
            case literal  // true, false
            case null
        }

        var kind: Kind
        /// The value's bytes, quotes included for strings.
        var range: Range<Int>

        /// For strings: the bytes between the quotes.
        var contentRange: Range<Int> { range.lowerBound + 1..<range.upperBound - 1 }
    }

    let bytes: UnsafeBufferPointer<UInt8>
    /// Offset of the next byte to read.
    var index: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.index = 0
    }

    var isAtEnd: Bool { index >= bytes.count }

    /// The next byte after whitespace, without consuming it.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Consumes `byte` (after whitespace) or throws naming what was expected.
    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        skipWhitespace()
        guard index < bytes.count else { throw JSONSyntaxError("truncated JSON: expected \(what) at end of input") }
        guard bytes[index] == byte else { throw JSONSyntaxError("expected \(what)", at: index) }
        index += 1
    }

    /// Consumes `byte` if it is next (after whitespace).
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if index < bytes.count, bytes[index] == byte {
            index += 1
            return true
        }
        return false
    }

    /// Scans one complete value of any kind.
    mutating func scanValue(depth: Int = 0) throws(JSONSyntaxError) -> Value {
        skipWhitespace()
        guard index < bytes.count else { throw JSONSyntaxError("truncated JSON: a value is missing at end of input") }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "\""):
            let hasEscapes = try scanString()
            return Value(kind: .string(hasEscapes: hasEscapes), range: start..<index)
        case UInt8(ascii: "{"):
            var ignored = IgnoredMembers()
            try scanObject(depth: depth + 1, into: &ignored)
            return Value(kind: .object, range: start..<index)
        case UInt8(ascii: "["):
            try scanArray(depth: depth + 1)
            return Value(kind: .array, range: start..<index)
        case UInt8(ascii: "t"):
            try scanLiteral("true")
            return Value(kind: .literal, range: start..<index)
        case UInt8(ascii: "f"):
            try scanLiteral("false")
            return Value(kind: .literal, range: start..<index)
        case UInt8(ascii: "n"):
            try scanLiteral("null")
            return Value(kind: .null, range: start..<index)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()
            return Value(kind: .number, range: start..<index)
        default:
            throw JSONSyntaxError("unexpected character '\(Self.printable(bytes[index]))'", at: index)
        }
    }

    /// Steps over one value of any depth, checking only strings and bracket balance: used to get past a
    /// value refused for its depth (or to find the extent of a container whose elements are validated
    /// one by one), without recursion.
    mutating func skipUnchecked() throws(JSONSyntaxError) {
        skipWhitespace()
        guard index < bytes.count else { throw JSONSyntaxError("truncated JSON: a value is missing at end of input") }
        guard bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "[") else {
            _ = try scanValue()
            return
        }
        var depth = 0
        repeat {
            guard index < bytes.count else { throw JSONSyntaxError("truncated JSON: unterminated object or array") }
            switch bytes[index] {
            case UInt8(ascii: "\""): _ = try scanString()
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1; index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1; index += 1
            default: index += 1
            }
        } while depth > 0
    }

    /// Scans a string starting at its opening quote; returns whether it contains escapes.
    mutating func scanString() throws(JSONSyntaxError) -> Bool {
        let open = index
        index += 1
        var hasEscapes = false
        let count = bytes.count
        while true {
            // Skip 8 plain ASCII bytes at a time.
            while index + 8 <= count {
                let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
                let special = JSONWriter.specialBytes(in: UInt64(littleEndian: word))
                guard special == 0 else {
                    // The lowest flagged byte is always a real special one: go straight to it.
                    index += special.trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
            guard index < count else { throw JSONSyntaxError("truncated JSON: unterminated string starting at byte \(open + 1)") }
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return hasEscapes
            case UInt8(ascii: "\\"):
                hasEscapes = true
                try scanEscape()
            case 0..<0x20:
                throw JSONSyntaxError("unescaped control character in string", at: index)
            case 0x80...:
                try scanMultibyte()
            default:
                index += 1
            }
        }
    }

    private mutating func scanEscape() throws(JSONSyntaxError) {
        let start = index
        index += 1
        guard index < bytes.count else { throw JSONSyntaxError("truncated JSON: unterminated escape") }
        switch bytes[index] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 1
        case UInt8(ascii: "u"):
            guard index + 4 < bytes.count else { throw JSONSyntaxError("truncated JSON: incomplete \\u escape") }
            for offset in 1...4 where Self.hexValue(bytes[index + offset]) == nil {
                throw JSONSyntaxError("invalid \\u escape", at: start)
            }
            index += 5
        default:
            throw JSONSyntaxError("invalid escape '\\\(Self.printable(bytes[index]))'", at: start)
        }
    }

    /// Validates one multi-byte UTF-8 sequence (Unicode Table 3-7: no overlongs, surrogates or values
    /// above U+10FFFF).
    private mutating func scanMultibyte() throws(JSONSyntaxError) {
        let lead = bytes[index]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw JSONSyntaxError("invalid UTF-8", at: index)
        }
        guard index + length <= bytes.count else { throw JSONSyntaxError("invalid UTF-8 (truncated sequence)", at: index) }
        let second = bytes[index + 1]
        guard second >= lower, second <= upper else { throw JSONSyntaxError("invalid UTF-8", at: index) }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 {
            throw JSONSyntaxError("invalid UTF-8", at: index)
        }
        index += length
    }

    /// Scans the object whose `{` is next, at nesting `depth` (1 for a top-level object), handing each
    /// member to `sink` as soon as its key and value are scanned: callers decode while validating, in
    /// one pass. If the object turns out invalid later on, this throws after members were handed over,
    /// so callers must discard what they built.
    mutating func scanObject(depth: Int, into sink: inout some JSONMemberSink) throws(JSONSyntaxError) {
        try enter(depth: depth)
        if consume(UInt8(ascii: "}")) { return }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw JSONSyntaxError("truncated JSON: unterminated object") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw JSONSyntaxError("expected a string key", at: index) }
            let keyStart = index
            let keyHasEscapes = try scanString()
            let key = Value(kind: .string(hasEscapes: keyHasEscapes), range: keyStart..<index)
            try expect(UInt8(ascii: ":"), "':'")
            let value = try scanValue(depth: depth)
            sink.take(key, value, in: self)
            if consume(UInt8(ascii: "}")) { return }
            try expect(UInt8(ascii: ","), "',' or '}'")
        }
    }

    private mutating func scanArray(depth: Int) throws(JSONSyntaxError) {
        try enter(depth: depth)
        if consume(UInt8(ascii: "]")) { return }
        while true {
            _ = try scanValue(depth: depth)
            if consume(UInt8(ascii: "]")) { return }
            try expect(UInt8(ascii: ","), "',' or ']'")
        }
    }

    /// Steps into the container whose bracket is next, refusing it past ``maximumDepth``.
    private mutating func enter(depth: Int) throws(JSONSyntaxError) {
        guard depth <= Self.maximumDepth else {
            var error = JSONSyntaxError("nesting deeper than \(Self.maximumDepth) levels", at: index)
            error.isNestingLimit = true
            throw error
        }
        index += 1
    }

    private mutating func scanLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let length = literal.utf8CodeUnitCount
        guard index + length <= bytes.count else { throw JSONSyntaxError("truncated JSON: incomplete literal") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<length).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw JSONSyntaxError("invalid literal", at: index) }
        index += length
    }

    private mutating func scanNumber() throws(JSONSyntaxError) {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw JSONSyntaxError("invalid number", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw JSONSyntaxError("invalid number", at: start) }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw JSONSyntaxError("invalid number", at: start) }
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
        }
    }

    // MARK: Helpers

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A byte shown in an error message: printable ASCII as itself, anything else as `\xNN`.
    static func printable(_ byte: UInt8) -> String {
        if byte >= 0x21, byte < 0x7F, byte != UInt8(ascii: "'") { return String(UnicodeScalar(byte)) }
        let digits = Array("0123456789ABCDEF".utf8)
        return "\\x" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }
}

/// Receives the members of an object as ``JSONScanner/scanObject(depth:into:)`` validates them.
protocol JSONMemberSink {
    mutating func take(_ key: JSONScanner.Value, _ value: JSONScanner.Value, in scanner: JSONScanner)
}

/// Validation only: the members are not looked at.
private struct IgnoredMembers: JSONMemberSink {
    func take(_ key: JSONScanner.Value, _ value: JSONScanner.Value, in scanner: JSONScanner) {}
}
