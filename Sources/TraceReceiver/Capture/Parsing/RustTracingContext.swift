/// What Rust's `tracing-subscriber` (its default `fmt` format) writes between the level and the message,
/// and the fields it writes after the message:
///
/// ```
/// 2026-11-30T10:00:01.123456Z  INFO request{method=GET uri=/orders request_id=7c1e…}: shop::orders: placed order_id=42
/// 2026-11-30T10:00:01.223456Z ERROR shop::payments: charge failed error="card declined"
/// ```
///
/// The spans in scope are `name{field=value …}` joined by `:`, then `: `; the target (the module path) is
/// next, then `: `. The spans' fields and the fields after the message become record fields, the target
/// the `logger`. A span without fields, or a target without `::`, is read only next to the other (a lone
/// `word: ` is too common in ordinary messages).
struct RustTracingContext {
    /// The `key=value` text of each span's braces.
    var spanFields: [Range<Int>] = []
    var target: Range<Int>?
    /// Where the message starts.
    var messageStart: Int
    /// Where the fields after the message start (the message ends before the space before it); the range's
    /// end when there are none.
    var trailingFieldsStart: Int

    /// Most spans read.
    static let maximumSpans = 16

    /// Reads the span context and target at `index` (just after the level and its spaces).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int, end: Int) -> RustTracingContext? {
        var context = RustTracingContext(messageStart: index, trailingFieldsStart: end)
        var cursor = index
        var spans = 0
        var hasBraces = false
        // Spans: `name{…}` or `name`, joined by `:`, ended by `: `.
        while spans < maximumSpans {
            let nameEnd = identifierEnd(bytes, from: cursor, end: end)
            guard nameEnd > cursor, nameEnd < end else { break }
            var next = nameEnd
            if bytes[next] == UInt8(ascii: "{") {
                guard let close = closingBrace(bytes, from: next, end: end) else { return nil }
                context.spanFields.append(next + 1..<close)
                hasBraces = true
                next = close + 1
            }
            guard next < end, bytes[next] == UInt8(ascii: ":"), next + 1 < end, bytes[next + 1] != UInt8(ascii: ":") else { break }
            spans += 1
            cursor = next + 1
            if bytes[cursor] == 0x20 {
                cursor += 1
                break
            }
        }
        if !hasBraces {
            // Only bare names: they may have been the target (`shop::orders` stops at its `::`) or prose.
            context.spanFields = []
            spans = 0
            cursor = index
        }
        // The target: `crate::module::…: `.
        var targetEnd = identifierEnd(bytes, from: cursor, end: end)
        var hasPath = false
        while targetEnd + 2 < end, bytes[targetEnd] == UInt8(ascii: ":"), bytes[targetEnd + 1] == UInt8(ascii: ":") {
            let partEnd = identifierEnd(bytes, from: targetEnd + 2, end: end)
            guard partEnd > targetEnd + 2 else { break }
            targetEnd = partEnd
            hasPath = true
        }
        if targetEnd > cursor, targetEnd + 1 < end, bytes[targetEnd] == UInt8(ascii: ":"), bytes[targetEnd + 1] == 0x20, hasPath || spans > 0 {
            context.target = cursor..<targetEnd
            cursor = targetEnd + 2
        }
        guard spans > 0 || context.target != nil else { return nil }
        context.messageStart = cursor
        context.trailingFieldsStart = trailingPairsStart(bytes, cursor..<end) ?? end
        return context
    }

    /// After a run of `[A-Za-z0-9_]`.
    private static func identifierEnd(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int, end: Int) -> Int {
        var index = index
        while index < end, CaptureBytes.isAlnum(bytes[index]) || bytes[index] == UInt8(ascii: "_") { index += 1 }
        return index
    }

    /// The `}` matching the `{` at `open` (values may hold balanced braces: `uri=/orders/{id}`).
    private static func closingBrace(_ bytes: UnsafeBufferPointer<UInt8>, from open: Int, end: Int) -> Int? {
        var depth = 0
        var index = open
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index += 1
        }
        return nil
    }

    /// Where the ` key=value` pairs that end `range` start, read from the end (a value is a word or a
    /// double-quoted string); nil when the range does not end with one, or is nothing but pairs (a
    /// message made only of `key=value` stays the message).
    static func trailingPairsStart(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        let lower = range.lowerBound
        var end = range.upperBound
        var start: Int?
        while end > lower {
            var valueStart = end
            if bytes[end - 1] == UInt8(ascii: "\""), end - 2 >= lower {
                var quote = end - 2
                while quote >= lower, !(bytes[quote] == UInt8(ascii: "\"") && (quote == lower || bytes[quote - 1] != UInt8(ascii: "\\"))) { quote -= 1 }
                guard quote >= lower else { break }
                valueStart = quote
            } else {
                while valueStart > lower, bytes[valueStart - 1] != 0x20, bytes[valueStart - 1] != UInt8(ascii: "=") { valueStart -= 1 }
            }
            guard valueStart > lower, bytes[valueStart - 1] == UInt8(ascii: "=") else { break }
            var keyStart = valueStart - 1
            while keyStart > lower, LogfmtLineParser.isKeyByte(bytes[keyStart - 1]) { keyStart -= 1 }
            // A pair follows the message after a space.
            guard keyStart < valueStart - 1, keyStart - 1 > lower, bytes[keyStart - 1] == 0x20 else { break }
            start = keyStart
            end = keyStart - 1
        }
        return start
    }
}
