import Foundation
import TraceReceiver

/// Renders records (decoded JSON objects) as readable terminal lines:
/// `10:15:23.456 ERROR gateway  request_failed  Payment gateway timeout  req=0190… 12.5ms` (times in
/// UTC, like the records), coloured by level when writing to a terminal.
struct RecordPrinter {
    let colour: Bool
    /// Today's date (UTC, `YYYY-MM-DD`) when a record from another day shows its date before its time
    /// (a search spans days; a trace's lines follow a header that dates them); `nil` for times only.
    let today: String?

    init(colour: Bool = isatty(STDOUT_FILENO) == 1, datingOtherDays: Bool = false) {
        self.colour = colour
        self.today = datingOtherDays ? String(ISO8601DateFormatter().string(from: Date()).prefix(10)) : nil
    }

    func line(_ record: [String: Any], showRequestID: Bool = true) -> String {
        let time = clock((record["timestamp"] as? String) ?? "")
        let level = (record["level"] as? String) ?? "info"
        var parts = [dim(time), paint(level.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0), level: level)]
        // Every string from a record is sanitised: any sender can put escape sequences in any of them.
        let service = (record["service"] as? String) ?? "?"
        let source = (record["source"] as? String).map { $0 == "backend" ? "" : "[\($0)]" } ?? ""
        let label = sanitise(service + source)
        // Padded to a column, never cut: a longer label pushes the rest of its line along.
        parts.append(bold(label.count < 14 ? label.padding(toLength: 14, withPad: " ", startingAt: 0) : label))
        if let event = record["event"] as? String { parts.append(sanitise(event)) }
        parts.append(sanitise((record["message"] as? String) ?? ""))
        if let duration = record["duration_ms"] as? Double { parts.append(dim(String(format: "%.1fms", duration))) }
        if let error = record["error"] as? String { parts.append(paint("error=" + sanitise(error), level: "error")) }
        if showRequestID, let id = record["request_id"] as? String { parts.append(dim("req=" + sanitise(id))) }
        if let fields = record["fields"] as? [String: Any], !fields.isEmpty {
            let text = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.compact($0.value))" }.joined(separator: " ")
            parts.append(dim(sanitise(text)))
        }
        if record["inferred"] as? Bool == true { parts.append(dim("(matched by path and time)")) }
        return parts.joined(separator: " ")
    }

    /// One request of `GET /api/requests`:
    /// `10:15:23.456 GET    /api/checkout  502   4.0ms gateway → inventory  ✗ database unavailable  r2`,
    /// its status coloured by class, its id last (a request without one shows its trace id).
    func request(_ request: [String: Any]) -> String {
        let time = clock(request["timestamp"] as? String ?? "")
        let method = sanitise(request["method"] as? String ?? "-")
        let path = sanitise(request["path"] as? String ?? "-")
        var parts = [dim(time), bold(method.count < 6 ? method.padding(toLength: 6, withPad: " ", startingAt: 0) : method)]
        parts.append(path.count < 24 ? path.padding(toLength: 24, withPad: " ", startingAt: 0) : path)
        let status = request["status"] as? Int
        let statusText = status.map(String.init) ?? "-  "
        parts.append(status.map { paint(statusText, level: $0 >= 500 ? "error" : $0 >= 400 ? "warning" : "info") } ?? dim(statusText))
        let duration = (request["duration_ms"] as? Double).map { String(format: "%.1fms", $0) } ?? "-"
        parts.append(dim(duration.count < 9 ? String(repeating: " ", count: 9 - duration.count) + duration : duration))
        parts.append(((request["services"] as? [String]) ?? []).map(sanitise).joined(separator: " → "))
        if request["failed"] as? Bool == true {
            parts.append(paint("✗" + ((request["error"] as? String).map { " " + sanitise($0) } ?? ""), level: "error"))
        }
        if let id = request["request_id"] as? String {
            parts.append(dim(sanitise(id)))
        } else if let trace = request["trace_id"] as? String {
            parts.append(dim("trace " + sanitise(trace)))
        }
        return parts.joined(separator: " ")
    }

    /// `HH:MM:SS.mmm` of an RFC 3339 timestamp, dated when it is from another day than ``today``.
    private func clock(_ timestamp: String) -> String {
        var time = timestamp.count >= 23 ? String(timestamp.dropFirst(11).prefix(12)) : timestamp
        if let today, timestamp.count >= 23, timestamp.prefix(10) != today { time = timestamp.prefix(10) + " " + time }
        return time
    }

    static func compact(_ value: Any) -> String {
        if let string = value as? String { return string }
        if JSONSerialization.isValidJSONObject(value), let data = try? JSONSerialization.data(withJSONObject: value) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }

    /// Control characters would let a log line rewrite the terminal; show them escaped.
    func sanitise(_ text: String) -> String {
        text.escapingControlCharacters
    }

    func paint(_ text: String, level: String) -> String {
        guard colour else { return text }
        let code =
            switch level {
            case "trace", "debug": "90"
            case "info": "32"
            case "notice": "36"
            case "warning": "33"
            case "error": "31"
            default: "1;31"
            }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    func dim(_ text: String) -> String { colour ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
}
