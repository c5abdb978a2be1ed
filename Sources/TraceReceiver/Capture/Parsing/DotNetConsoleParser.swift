import Logging

/// Reads Microsoft.Extensions.Logging's console format (ASP.NET Core's default): a header line with the
/// level's four-letter name, the category and the event id, and the message on the indented lines below,
/// an exception's text and stack after it:
///
/// ```
/// fail: Microsoft.AspNetCore.Server.Kestrel[13]
///       Connection id "0HN1", Request id "0HN1:00000001": An unhandled exception was thrown by the application.
///       System.InvalidOperationException: bad state
///          at App.Program.Main()
/// ```
enum DotNetConsoleParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// The header's level names.
    private static let levels: [(StaticString, Logger.Level)] = [
        ("fail: ", .error), ("warn: ", .warning), ("info: ", .info), ("crit: ", .critical), ("dbug: ", .debug),
        ("trce: ", .trace),
    ]

    /// The event whose first line is `head` (the rest, `tail`), read when `head` is such a header: the
    /// message is the first line of `tail` (the header itself when there is none), the category is kept
    /// as `logger` and the event id as `event_id`; `tail` is left with the lines after the message.
    static func parse(_ bytes: Bytes, head: inout Range<Int>, tail: inout Range<Int>) -> ParsedLine? {
        // The prefix must lie within the head (which is trimmed: "fail: " alone ends before its space).
        guard head.count > 6, let level = levels.first(where: { CaptureBytes.hasPrefix(bytes, at: head.lowerBound, $0.0, end: head.upperBound) })?.1 else {
            return nil
        }
        // `Category[EventId]`: one word ending in a bracketed number.
        let category = CaptureBytes.trimmed(bytes, head.lowerBound + 6..<head.upperBound)
        guard !category.isEmpty, bytes[category.upperBound - 1] == UInt8(ascii: "]"),
            let open = CaptureBytes.find(UInt8(ascii: "["), in: bytes, from: category.lowerBound, to: category.upperBound),
            open > category.lowerBound, CaptureBytes.wordEnd(bytes, from: category.lowerBound, to: category.upperBound) == category.upperBound,
            let eventID = CaptureBytes.integer(bytes, open + 1..<category.upperBound - 1)
        else {
            return nil
        }
        var parsed = ParsedLine(message: "")
        parsed.level = level
        parsed.fields.append(key: "logger", text: CaptureBytes.string(bytes, category.lowerBound..<open))
        parsed.fields.append(key: "event_id", integer: eventID)
        if !tail.isEmpty { (head, tail) = CaptureBytes.firstLine(bytes, tail) }
        parsed.message = CaptureBytes.string(bytes, head)
        return parsed
    }
}
