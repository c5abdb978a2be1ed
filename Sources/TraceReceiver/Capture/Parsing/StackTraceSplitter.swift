import Logging

/// Reads the continuation lines of a joined event (see ``MultilineJoiner``) and the crash markers of a
/// head line: the lines after the first become the record's `stack`; a Python traceback's final
/// `XError: message` line, a Java `qualified.XException: message` or Node `TypeError: message` line below
/// an error, a Node `TypeError: message` head, a Swift `Fatal error: message` and a Go `panic: message` give `error` and `error_type`.
enum StackTraceSplitter {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Applies the continuation lines `tail` of an event whose first line is `head`; returns the level the
    /// stack implies (error for a Python traceback).
    static func apply(_ bytes: Bytes, head: Range<Int>, tail: Range<Int>, to parsed: inout ParsedLine) -> Logger.Level? {
        let stack = CaptureBytes.string(bytes, tail)
        if let existing = parsed.stack { parsed.stack = existing + "\n" + stack } else { parsed.stack = stack }
        var implied: Logger.Level?
        let isPython =
            CaptureBytes.hasPrefix(bytes, at: head.lowerBound, pythonTraceback, end: head.upperBound)
            || CaptureBytes.find(pythonTraceback, in: bytes, from: tail.lowerBound, to: tail.upperBound) != nil
        if isPython {
            implied = .error
            // The last line that is not indented is the exception.
            if let line = lastUnindentedLine(bytes, in: tail) { assignException(bytes, line, .tracebackFinal, to: &parsed) }
        } else if parsed.errorType == nil {
            if assignException(bytes, head, .suffixed, to: &parsed) {
                implied = .error  // an uncaught exception printed with its stack (Node)
            } else {
                // The first unindented continuation line naming an exception class: Java's qualified name
                // below logback's message, or the `TypeError: …` of a Node stack below NestJS's.
                var lineStart = tail.lowerBound
                while lineStart < tail.upperBound {
                    let lineEnd = CaptureBytes.find(0x0A, in: bytes, from: lineStart, to: tail.upperBound) ?? tail.upperBound
                    if !CaptureBytes.isSpace(bytes[lineStart]),
                        assignException(bytes, CaptureBytes.trimmed(bytes, lineStart..<lineEnd), .suffixed, to: &parsed)
                    {
                        break
                    }
                    lineStart = lineEnd + 1
                }
            }
        }
        return implied
    }

    /// Crash markers of a head line: `panic: …` (Go) and `Fatal error: …` (Swift) give the error text; a
    /// Swift crash report without a fatal error before it (a segmentation fault) gives its
    /// `Program crashed: …` reason from the lines below the head, `tail`.
    static func applyHeadMarkers(_ bytes: Bytes, head: Range<Int>, tail: Range<Int>, to parsed: inout ParsedLine) {
        guard parsed.error == nil else { return }
        if LevelInference.isSwiftCrashReport(bytes, head) {
            let lines = head.lowerBound..<tail.upperBound
            if let marker = CaptureBytes.find(programCrashed, in: bytes, from: lines.lowerBound, to: lines.upperBound) {
                let start = marker + programCrashed.utf8CodeUnitCount
                var end = CaptureBytes.find(0x0A, in: bytes, from: start, to: lines.upperBound) ?? lines.upperBound
                end = CaptureBytes.trimmed(bytes, start..<end).upperBound
                if CaptureBytes.hasPrefix(bytes, at: end - 4, " ***", end: end) { end -= 4 }
                parsed.error = CaptureBytes.string(bytes, start..<max(start, end))
                parsed.errorType = "Program crashed"
            }
            return
        }
        if CaptureBytes.hasPrefix(bytes, at: head.lowerBound, "panic: ", end: head.upperBound) {
            parsed.error = CaptureBytes.string(bytes, head.lowerBound + 7..<head.upperBound)
            parsed.errorType = "panic"
        } else if let marker = LevelInference.swiftFatalError(bytes, head) {
            let start = CaptureBytes.skipSpaces(bytes, from: marker + LevelInference.swiftFatalErrorMarker.utf8CodeUnitCount, to: head.upperBound)
            parsed.error = CaptureBytes.string(bytes, start..<head.upperBound)
            parsed.errorType = "Fatal error"
        }
    }

    private static let pythonTraceback: StaticString = "Traceback (most recent call last):"
    private static let programCrashed: StaticString = "Program crashed: "

    /// The error and its type named by a stack text that came whole (a JSON logger's `stack_trace`,
    /// `exc_info`, `stacktrace`): a Python traceback's last unindented line, or the first line of any
    /// other when it names an exception (Java's `java.lang.IllegalStateException: …`, Node's
    /// `TypeError: …`, .NET's). A stack that names none (Go's frames) leaves them unset.
    static func assignException(fromStack stack: String, to parsed: inout ParsedLine) {
        var text = stack
        text.withUTF8 { bytes in
            if CaptureBytes.hasPrefix(bytes, at: 0, pythonTraceback) {
                if let line = lastUnindentedLine(bytes, in: 0..<bytes.count) { assignException(bytes, line, .tracebackFinal, to: &parsed) }
            } else {
                let end = CaptureBytes.find(0x0A, in: bytes, from: 0) ?? bytes.count
                assignException(bytes, CaptureBytes.trimmed(bytes, 0..<end), .suffixed, to: &parsed)
            }
        }
    }

    /// The last line in `range` that is not empty and not indented, trimmed.
    private static func lastUnindentedLine(_ bytes: Bytes, in range: Range<Int>) -> Range<Int>? {
        var lineEnd = range.upperBound
        while lineEnd > range.lowerBound {
            var lineStart = lineEnd
            while lineStart > range.lowerBound, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
            let line = CaptureBytes.trimmed(bytes, lineStart..<lineEnd)
            if !line.isEmpty, !CaptureBytes.isSpace(bytes[lineStart]) { return line }
            lineEnd = lineStart > range.lowerBound ? lineStart - 1 : range.lowerBound
        }
        return nil
    }

    /// How sure the caller is that a line names an exception.
    enum ExceptionLine {
        /// A Python traceback's final line: any `Name: message` (or a lone `Name`) is the exception.
        case tracebackFinal
        /// A name, dotted or not, ending in `Error`, `Exception`, `Warning`, `Interrupt`, `Exit` or `Throwable`
        /// (Node's `TypeError: …`, Java's `java.lang.IllegalStateException: …`).
        case suffixed
    }

    /// Reads `Name: message` or `Name` where `Name` is an exception class name; returns whether it was one.
    @discardableResult
    static func assignException(_ bytes: Bytes, _ line: Range<Int>, _ kind: ExceptionLine, to parsed: inout ParsedLine) -> Bool {
        guard let first = line.first, CaptureBytes.isAlpha(bytes[first]) || bytes[first] == UInt8(ascii: "_") else { return false }
        var index = first
        while index < line.upperBound {
            let byte = bytes[index]
            guard CaptureBytes.isAlnum(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$") || byte == UInt8(ascii: ".") else { break }
            index += 1
        }
        let name = first..<index
        let hasMessage = index + 1 < line.upperBound && bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == 0x20
        guard index == line.upperBound || hasMessage else { return false }
        let looksLikeException = exceptionSuffixes.contains { suffix in
            name.count >= suffix.utf8CodeUnitCount
                && CaptureBytes.hasPrefix(bytes, at: name.upperBound - suffix.utf8CodeUnitCount, suffix)
        }
        switch kind {
        case .tracebackFinal: guard looksLikeException || hasMessage else { return false }
        case .suffixed: guard looksLikeException else { return false }
        }
        let type = CaptureBytes.string(bytes, name)
        parsed.errorType = type
        parsed.error = hasMessage ? CaptureBytes.string(bytes, index + 2..<line.upperBound) : type
        return true
    }

    private static let exceptionSuffixes: [StaticString] = ["Error", "Exception", "Warning", "Interrupt", "Exit", "Throwable"]
}
