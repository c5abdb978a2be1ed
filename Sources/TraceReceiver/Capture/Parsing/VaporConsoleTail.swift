/// What Vapor's console logger (console-kit's `ConsoleLogger`, a Vapor 4 app's default) writes after a
/// message: the metadata, sorted by key, as `[key: value, key: value]`, then, at debug and trace levels,
/// the call site as `(File.swift:12)`:
///
///     [ WARNING ] Abort.404: Not Found [request-id: 8F0B5A7E-…, user_id: 42] (Vapor/Middleware/ErrorMiddleware.swift:42)
///
/// Values are written without quotes, so one may hold `, ` or brackets: an item ends at a `, ` that is
/// followed by another `key: ` (or at the group's end), and brackets nest (`ids: [1, 2]`). A last group
/// that does not read wholly as `key: value` items is the message's own text and stays in it.
enum VaporConsoleTail {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Takes the metadata and call site off the end of `message`, assigning each item as a logfmt pair
    /// would be (`request-id` the request id, `error` the error, others fields) and the call site to
    /// the `caller` field; returns the message without them.
    static func take(_ bytes: Bytes, _ message: Range<Int>, into parsed: inout ParsedLine, zone: NaiveTimeZone, receivedAt: Int64) -> Range<Int> {
        var end = CaptureBytes.trimmed(bytes, message).upperBound
        let start = message.lowerBound
        var caller: Range<Int>?
        if let site = callSite(bytes, start..<end) {
            caller = site.lowerBound + 1..<site.upperBound - 1
            end = CaptureBytes.trimmed(bytes, start..<site.lowerBound).upperBound
        }
        if let group = lastGroup(bytes, start..<end), let items = items(bytes, group.lowerBound + 1..<group.upperBound - 1) {
            for (key, value) in items {
                LogfmtLineParser.assign(
                    CaptureFieldKey(bytes, key), key: CaptureBytes.string(bytes, key), value: CaptureBytes.string(bytes, value),
                    to: &parsed, zone: zone, receivedAt: receivedAt
                )
            }
            end = CaptureBytes.trimmed(bytes, start..<group.lowerBound).upperBound
        }
        if let caller { parsed.fields.append(key: "caller", text: CaptureBytes.string(bytes, caller)) }
        return start..<end
    }

    /// ` (path:line)` ending `range`, parentheses included: no spaces inside, a colon and digits last.
    private static func callSite(_ bytes: Bytes, _ range: Range<Int>) -> Range<Int>? {
        let end = range.upperBound
        guard end - range.lowerBound > 4, bytes[end - 1] == UInt8(ascii: ")") else { return nil }
        var index = end - 2
        while index > range.lowerBound, CaptureBytes.isDigit(bytes[index]) { index -= 1 }
        guard index < end - 2, bytes[index] == UInt8(ascii: ":") else { return nil }
        while index > range.lowerBound, bytes[index] != UInt8(ascii: "("), bytes[index] != 0x20 { index -= 1 }
        guard bytes[index] == UInt8(ascii: "("), index > range.lowerBound, bytes[index - 1] == 0x20 else { return nil }
        return index..<end
    }

    /// The bracketed group ending `range` after a space, brackets included, matched through nesting.
    private static func lastGroup(_ bytes: Bytes, _ range: Range<Int>) -> Range<Int>? {
        let end = range.upperBound
        guard end > range.lowerBound, bytes[end - 1] == UInt8(ascii: "]") else { return nil }
        var depth = 0
        var index = end - 1
        while index >= range.lowerBound {
            switch bytes[index] {
            case UInt8(ascii: "]"): depth += 1
            case UInt8(ascii: "["):
                depth -= 1
                if depth == 0 {
                    guard index > range.lowerBound, bytes[index - 1] == 0x20 else { return nil }
                    return index..<end
                }
            default: break
            }
            index -= 1
        }
        return nil
    }

    /// The `key: value` items of a group's content; nil unless all of it reads so.
    private static func items(_ bytes: Bytes, _ content: Range<Int>) -> [(key: Range<Int>, value: Range<Int>)]? {
        var items: [(key: Range<Int>, value: Range<Int>)] = []
        var index = content.lowerBound
        while index < content.upperBound {
            guard let valueStart = keyEnd(bytes, at: index, end: content.upperBound) else { return nil }
            let key = index..<valueStart - 2
            // The value runs to the next top-level `, key: ` or the end.
            var depth = 0
            var cursor = valueStart
            var valueEnd = content.upperBound
            while cursor < content.upperBound {
                let byte = bytes[cursor]
                if byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "]") {
                    depth -= 1
                } else if depth == 0, byte == UInt8(ascii: ","), cursor + 1 < content.upperBound, bytes[cursor + 1] == 0x20,
                    keyEnd(bytes, at: cursor + 2, end: content.upperBound) != nil
                {
                    valueEnd = cursor
                    break
                }
                cursor += 1
            }
            items.append((key, valueStart..<valueEnd))
            index = valueEnd == content.upperBound ? valueEnd : valueEnd + 2
        }
        return items.isEmpty ? nil : items
    }

    /// Where the value starts when a key (logfmt's key characters) and `: ` start at `index`.
    private static func keyEnd(_ bytes: Bytes, at index: Int, end: Int) -> Int? {
        var cursor = index
        while cursor < end, LogfmtLineParser.isKeyByte(bytes[cursor]), bytes[cursor] != UInt8(ascii: "@") { cursor += 1 }
        guard cursor > index, cursor + 1 < end, bytes[cursor] == UInt8(ascii: ":"), bytes[cursor + 1] == 0x20 else { return nil }
        return cursor + 2
    }
}
