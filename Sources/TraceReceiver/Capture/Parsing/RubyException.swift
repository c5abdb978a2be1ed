/// What Ruby and Rails print for an exception: the header `ActiveRecord::RecordNotFound (Couldn't find
/// Order with 'id'=42):` (Rails' development log, below `Completed 500 …`; in production after the
/// logger's prefix and tags), then the backtrace's frames `app/controllers/orders_controller.rb:3:in
/// 'show'`, which ``MultilineJoiner`` joins to the header with the blank lines between them.
///
/// Read on UTF-8 bytes: this runs on every captured line, and most are turned away by their last byte.
enum RubyException {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Longest class name read.
    static let maximumNameLength = 200

    /// The exception's class and message when `bytes` (after up to ``HTTPCompletionLine/maximumTags``
    /// `[tag] ` groups) is a header: a constant path (`Name` or `A::B::Name`, which has `::` or ends in
    /// `Error` or `Exception`), a space, and the message in parentheses, optionally followed by a colon.
    static func header(_ bytes: Bytes) -> (type: Range<Int>, message: Range<Int>)? {
        var end = bytes.count
        if end > 0, bytes[end - 1] == UInt8(ascii: ":") { end -= 1 }
        guard end > 0, bytes[end - 1] == UInt8(ascii: ")") else { return nil }
        let start = HTTPCompletionLine.afterTags(bytes, from: 0)
        guard start < end, CaptureBytes.isUpper(bytes[start]) else { return nil }
        var index = start
        var hasPath = false
        while index < end, bytes[index] != 0x20 {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") {
                // `::` and a capital: the next constant of the path.
                guard index + 2 < end, bytes[index + 1] == UInt8(ascii: ":"), CaptureBytes.isUpper(bytes[index + 2]) else { return nil }
                hasPath = true
                index += 2
                continue
            }
            guard CaptureBytes.isAlnum(byte) || byte == UInt8(ascii: "_"), index - start < maximumNameLength else { return nil }
            index += 1
        }
        let name = start..<index
        guard hasPath || endsWith(bytes, name, "Error") || endsWith(bytes, name, "Exception") else { return nil }
        // ` (message)` up to the end: at least one byte of message.
        guard index + 3 < end, bytes[index] == 0x20, bytes[index + 1] == UInt8(ascii: "(") else { return nil }
        return (name, index + 2..<end - 1)
    }

    /// ``header(_:)`` of a text.
    static func header(_ text: String) -> (type: String, message: String)? {
        var text = text
        return text.withUTF8 { bytes in
            header(bytes).map { (CaptureBytes.string(bytes, $0.type), CaptureBytes.string(bytes, $0.message)) }
        }
    }

    /// Whether `line` is a backtrace frame: `path:LINE:in 'method'` (or with a backquote, before Ruby 3.4).
    static func isFrame(_ line: Bytes) -> Bool {
        var index = 0
        while index < line.count, line[index] != UInt8(ascii: ":") {
            if CaptureBytes.isSpace(line[index]) { return false }
            index += 1
        }
        guard index > 0 else { return false }
        index += 1
        let digits = index
        while index < line.count, CaptureBytes.isDigit(line[index]) { index += 1 }
        guard index > digits, CaptureBytes.hasPrefix(line, at: index, ":in ") else { return false }
        let quote = index + 4
        return quote < line.count && (line[quote] == UInt8(ascii: "`") || line[quote] == UInt8(ascii: "'"))
    }

    private static func endsWith(_ bytes: Bytes, _ range: Range<Int>, _ suffix: StaticString) -> Bool {
        range.count >= suffix.utf8CodeUnitCount && CaptureBytes.equals(bytes, range.upperBound - suffix.utf8CodeUnitCount..<range.upperBound, suffix)
    }
}
