import Logging

/// Encodes a ``LogEntry`` as one human-readable line for a terminal:
///
/// ```
/// 10:15:23.456 INFO  gateway  0190ab12 request_completed GET /api/hello 200  duration_ms=1.2 method=GET
/// ```
///
/// Time of day (UTC), level, service, the first 8 characters of the request id, event and message, then
/// `key=value` pairs. Levels are coloured with ANSI escapes when `colour` is set; control characters in
/// any value are shown escaped so a log line can never move the cursor or fake another line.
enum ConsoleLineEncoder {
    static func encode(_ entry: LogEntry, service: String, colour: Bool) -> [UInt8] {
        var line = ""
        let stamp = entry.timestamp.description
        line += stamp.dropFirst(11).prefix(12)
        line += " "
        let level = entry.level.rawValue.uppercased()
        let padded = level + String(repeating: " ", count: max(1, 8 - level.count))  // CRITICAL needs a space too
        line += colour ? "\(Self.colour(for: entry.level))\(padded)\u{1B}[0m" : padded
        line += sanitised(service)
        if let requestID = entry[.requestID]?.description ?? entry.trace?.requestID {
            line += " " + (colour ? "\u{1B}[2m" : "") + sanitised(String(requestID.prefix(8))) + (colour ? "\u{1B}[0m" : "")
        }
        if let event = entry[.event] {
            line += " " + (colour ? "\u{1B}[1m" : "") + sanitised(event.description) + (colour ? "\u{1B}[0m" : "")
        }
        line += " " + sanitised(entry.message)
        for key in [LogEntry.PromotedKey.durationMS, .error, .errorType] {
            if let value = entry[key] { line += " \(key.rawValue)=\(sanitised(value.description))" }
        }
        entry.forEachField { key, value in
            line += " \(sanitised(key))=\(sanitised(value.description))"
        }
        if let stack = entry[.stack] {
            line += "\n    " + stack.description.split(separator: "\n", omittingEmptySubsequences: false)
                .map { sanitised(String($0)) }.joined(separator: "\n    ")
        }
        line += "\n"
        return Array(line.utf8)
    }

    private static func colour(for level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "\u{1B}[2m"
        case .info: "\u{1B}[32m"
        case .notice: "\u{1B}[36m"
        case .warning: "\u{1B}[33m"
        case .error: "\u{1B}[31m"
        case .critical: "\u{1B}[1;31m"
        }
    }

    /// Escapes control characters (including ESC, CR and LF) so values cannot forge terminal output.
    static func sanitised(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
