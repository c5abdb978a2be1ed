extension JSONScanner {
    /// The decoded text of a scanned string value.
    func string(_ value: Value) -> String {
        let content = UnsafeBufferPointer(rebasing: bytes[value.contentRange])
        guard case .string(hasEscapes: true) = value.kind else {
            return String(decoding: content, as: UTF8.self)
        }
        return Self.unescape(content)
    }

    /// A scalar value as text: strings decoded, numbers and literals as written, objects and arrays as
    /// compact JSON. `nil` for `null`.
    func text(_ value: Value) -> String? {
        switch value.kind {
        case .string: return string(value)
        case .null: return nil
        case .number, .literal: return String(decoding: UnsafeBufferPointer(rebasing: bytes[value.range]), as: UTF8.self)
        case .object, .array:
            var out: [UInt8] = []
            appendCompact(value.range, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// A number value as a `Double` (also accepts a string holding a number).
    func double(_ value: Value) -> Double? {
        switch value.kind {
        case .number:
            Self.plainDecimal(UnsafeBufferPointer(rebasing: bytes[value.range]))
                ?? Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[value.range]), as: UTF8.self))
        case .string: Double(string(value))
        default: nil
        }
    }

    /// The value of a JSON number without an exponent and with at most 15 digits (such as a duration,
    /// `1.25`), read without making a string; `nil` for any other number.
    ///
    /// Clinger's fast path: the digits as an integer (below 10^15) and the power of ten that scales them
    /// (at most 10^15) are both exact doubles, so the one IEEE division, rounded correctly, gives the
    /// same double as `strtod`. `number` must be a number the scanner accepted.
    static func plainDecimal(_ number: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        let negative = number.first == UInt8(ascii: "-")
        if negative { index = 1 }
        var digits: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0
        var inFraction = false
        while index < number.count {
            let byte = number[index]
            if byte == UInt8(ascii: ".") {
                inFraction = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digitCount += 1
                guard digitCount <= 15 else { return nil }
                digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
                if inFraction { fractionDigits += 1 }
            } else {
                return nil  // an exponent
            }
            index += 1
        }
        guard digitCount > 0 else { return nil }
        let magnitude = Double(digits) / Self.powersOfTen[fractionDigits]
        return negative ? -magnitude : magnitude
    }

    /// 10^0 through 10^15, each exact as a `Double`.
    private static let powersOfTen: [Double] = (0...15).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }

    /// Whether the raw bytes of `range` equal `literal`.
    func bytes(_ range: Range<Int>, equal literal: StaticString) -> Bool {
        guard range.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { expected in
            var offset = 0
            for index in range {
                if bytes[index] != expected[offset] { return false }
                offset += 1
            }
            return true
        }
    }

    /// Appends the bytes of `range` without insignificant whitespace (whitespace outside strings), so a
    /// pretty-printed value becomes one compact line.
    func appendCompact(_ range: Range<Int>, to out: inout [UInt8]) {
        var inString = false
        var escaped = false
        var runStart = range.lowerBound
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                runStart = index + 1
            }
            index += 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<range.upperBound]))
    }

    /// Decodes the escapes of already-validated string content. Lone surrogates become U+FFFD.
    static func unescape(_ content: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(content.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32 {
            var value: UInt32 = 0
            for offset in 0..<4 { value = value << 4 | UInt32(hexValue(content[at + offset]) ?? 0) }
            return value
        }
        while index < content.count {
            let byte = content[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            let kind = content[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar), index + 6 <= content.count, content[index] == UInt8(ascii: "\\"),
                    content[index + 1] == UInt8(ascii: "u")
                {
                    let low = hex4(index + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: String(Character(unicode)).utf8)
            default: out.append(kind)  // \" \\ \/
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
