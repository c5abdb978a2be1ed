/// A PostgreSQL server log line under the default `log_line_prefix` (`%m [%p] `):
/// `2026-11-30 09:00:00.123 UTC [42] ERROR:  message`.
///
/// An error is followed by lines of the same process that explain it: `DETAIL:`, `HINT:`, `CONTEXT:`,
/// `QUERY:`, `LOCATION:` and the failing `STATEMENT:` (whose SQL may continue on indented lines).
/// ``MultilineJoiner`` joins them to their error, and ``assignDetails(_:_:to:)`` makes them fields of it.
enum PostgresLine {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Where the process id and the severity are.
    struct Parts {
        /// The digits between `[` and `]`.
        var pid: Range<Int>
        /// The severity word, without its colon.
        var severity: Range<Int>
        /// Where the text after `SEVERITY:  ` starts.
        var messageStart: Int
    }

    /// How far into the line `[pid] ` is looked for (past the timestamp and its zone).
    private static let prefixScanLimit = 48

    /// Lines that explain the error before them, and the field each becomes.
    private static let details: [(StaticString, String)] = [
        ("DETAIL", "detail"), ("HINT", "hint"), ("STATEMENT", "statement"), ("CONTEXT", "context"), ("QUERY", "query"),
        ("LOCATION", "location"),
    ]

    static func parse(_ bytes: Bytes, _ range: Range<Int>) -> Parts? {
        let end = range.upperBound
        guard let first = range.first, CaptureBytes.isDigit(bytes[first]) else { return nil }
        var from = first
        let limit = min(end, first + prefixScanLimit)
        while let open = CaptureBytes.find(UInt8(ascii: "["), in: bytes, from: from, to: limit) {
            from = open + 1
            guard open > first, bytes[open - 1] == 0x20 else { continue }
            var close = open + 1
            while close < end, CaptureBytes.isDigit(bytes[close]) { close += 1 }
            guard close > open + 1, close + 1 < end, bytes[close] == UInt8(ascii: "]"), bytes[close + 1] == 0x20 else { continue }
            let severityStart = close + 2
            var severityEnd = severityStart
            while severityEnd < end, CaptureBytes.isUpper(bytes[severityEnd]) { severityEnd += 1 }
            guard severityEnd > severityStart, severityEnd < end, bytes[severityEnd] == UInt8(ascii: ":") else { return nil }
            return Parts(
                pid: open + 1..<close,
                severity: severityStart..<severityEnd,
                messageStart: CaptureBytes.skipSpaces(bytes, from: severityEnd + 1, to: end)
            )
        }
        return nil
    }

    /// The field a line of this severity explains its error in, when it is one of those lines.
    static func detailField(_ bytes: Bytes, _ parts: Parts) -> String? {
        details.first { CaptureBytes.equals(bytes, parts.severity, $0.0) }?.1
    }

    /// Makes the lines in `tail` (below a PostgreSQL line) fields of `parsed` (`detail`, `hint`, `statement`…),
    /// an indented line continuing the one before. Returns false, changing nothing, when the first line is
    /// not one of those lines.
    static func assignDetails(_ bytes: Bytes, _ tail: Range<Int>, to parsed: inout ParsedLine) -> Bool {
        var found: [(field: String, text: String)] = []
        var lineStart = tail.lowerBound
        while lineStart < tail.upperBound {
            let lineEnd = CaptureBytes.find(0x0A, in: bytes, from: lineStart, to: tail.upperBound) ?? tail.upperBound
            if let parts = parse(bytes, lineStart..<lineEnd), let field = detailField(bytes, parts) {
                found.append((field, CaptureBytes.string(bytes, parts.messageStart..<lineEnd)))
            } else if !found.isEmpty {
                found[found.count - 1].text += "\n" + CaptureBytes.string(bytes, lineStart..<lineEnd)
            } else {
                return false
            }
            lineStart = lineEnd + 1
        }
        for (field, text) in found { parsed.fields.append(key: field, text: text) }
        return true
    }
}
