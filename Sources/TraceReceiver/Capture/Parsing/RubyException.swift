/// What Ruby and Rails print for an exception: the header `ActiveRecord::RecordNotFound (Couldn't find
/// Order with 'id'=42):` (Rails' development log, below `Completed 500 …`; in production after the
/// logger's prefix and tags), then the backtrace's frames `app/controllers/orders_controller.rb:3:in
/// 'show'`, which ``MultilineJoiner`` joins to the header with the blank lines between them.
enum RubyException {
    /// Longest class name read.
    static let maximumNameLength = 200

    /// The exception's class and message when `message` (after up to ``HTTPCompletionLine/maximumTags``
    /// `[tag] ` groups) is a header: a constant path (`Name` or `A::B::Name`, which has `::` or ends in
    /// `Error` or `Exception`), a space, and the message in parentheses, optionally followed by a colon.
    static func header(_ message: Substring) -> (type: String, message: String)? {
        // Most lines end otherwise: they are turned away before anything is split.
        guard message.last == ")" || message.hasSuffix("):") else { return nil }
        let text = HTTPCompletionLine.afterTags(message)
        guard let first = text.first, first.isASCII, first.isUppercase, let open = text.firstIndex(of: " ") else { return nil }
        let name = text[..<open]
        guard name.count <= maximumNameLength,
            name.split(separator: "::", omittingEmptySubsequences: false).allSatisfy(isConstant),
            name.contains("::") || name.hasSuffix("Error") || name.hasSuffix("Exception")
        else { return nil }
        var rest = text[text.index(after: open)...]
        if rest.last == ":" { rest = rest.dropLast() }
        guard rest.count >= 3, rest.first == "(", rest.last == ")" else { return nil }
        return (String(name), String(rest.dropFirst().dropLast()))
    }

    /// Whether `line` is a backtrace frame: `path:LINE:in 'method'` (or with a backquote, before Ruby 3.4).
    static func isFrame(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
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

    /// `Name` of letters, digits and `_`, starting with a capital.
    private static func isConstant(_ part: Substring) -> Bool {
        guard let first = part.first, first.isASCII, first.isUppercase else { return false }
        return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
