import Logging

/// The lines in which a web framework says it started or finished a request, read as the middleware
/// writes its own: a finished request becomes a `request_completed` record (`request_failed` for a status
/// of 500 or more, as the middleware counts it) with `status_code`, `duration_ms` where the line says it,
/// and the method and path (without its query) where it names them, so that the request list shows the
/// requests of programs we never changed. A line that gave no level of its own gets one from the status:
/// error for 5xx, warning for 4xx.
///
/// - Rails: `Started GET "/orders/42" for 127.0.0.1 at …` is the middleware's `request_received`, with
///   `method` and `path` (which the request list takes when the completion names neither);
///   `Completed 500 Internal Server Error in 12ms (…)` gives the status and duration. Tags before them
///   (`[request-id] `, as `config.log_tags` writes) are skipped.
/// - ASP.NET Core's hosting diagnostics: `Request finished HTTP/1.1 GET http://host/api/x?y=1 - 500 0
///   application/json 12.3456ms`; before 3.0, `Request finished in 28.674ms 200 application/json`.
/// - Gin: `[GIN] 2026/11/30 - 10:20:03 | 404 |      12.3µs |       127.0.0.1 | GET      "/ping"`.
/// - A line led by the request: morgan's `GET /x 304 3.456 ms - -` and `GET /x 200 12 - 3.456 ms`, and
///   Next.js's `GET /x 200 in 123ms`.
/// - A quoted request line followed by the status, anywhere: uvicorn (`127.0.0.1:52345 - "GET /x
///   HTTP/1.1" 500 Internal Server Error`), Werkzeug (Flask) and Django's development servers
///   (`[30/Nov/2026 10:20:01] "GET /x HTTP/1.1" 200 1234`).
///
/// The NCSA access log (nginx, Apache) is read by ``AccessLogParser``, which marks its lines likewise.
enum HTTPCompletionLine {
    /// Most `[tag] ` groups skipped before a Rails line.
    static let maximumTags = 4

    /// Reads `line`'s message when it is one of the lines above and the line has no event of its own.
    static func apply(to line: inout ParsedLine) {
        guard line.event == nil else { return }
        let message = Substring(line.message)
        if message.hasPrefix("[GIN] ") { return gin(message, to: &line) }
        let text = afterTags(message)
        if text.hasPrefix("Completed ") {
            rails(completed: text.dropFirst("Completed ".count), to: &line)
        } else if text.hasPrefix("Started ") {
            rails(started: text.dropFirst("Started ".count), to: &line)
        } else if text.hasPrefix("Request finished ") {
            aspNet(text.dropFirst("Request finished ".count), to: &line)
        } else if !ledByRequest(text, to: &line) {
            quotedRequestLine(in: text, to: &line)
        }
    }

    /// The event of a request that ended with `status`.
    static func event(status: Int64) -> String {
        status >= Int64(RecentRequest.failingStatus) ? "request_failed" : "request_completed"
    }

    /// The level a status implies for a line that gave none: error for 5xx, warning for 4xx.
    static func level(status: Int64) -> Logger.Level? {
        status >= Int64(RecentRequest.failingStatus) ? .error : status >= 400 ? .warning : nil
    }

    /// `500 Internal Server Error in 12ms (Views: …)`.
    private static func rails(completed text: Substring, to line: inout ParsedLine) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard let status = status(words.first), let inIndex = words.firstIndex(of: "in"), inIndex + 1 < words.count,
            let duration = milliseconds(words[inIndex + 1])
        else { return }
        complete(&line, status: status, durationMS: duration)
    }

    /// `GET "/orders/42" for 127.0.0.1 at …`.
    private static func rails(started text: Substring, to line: inout ParsedLine) {
        let words = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard words.count >= 2, isMethod(words[0]), words[1].count >= 3, words[1].first == "\"", words[1].last == "\"" else { return }
        line.event = RecentRequest.startEvent
        name(&line, method: words[0], path: words[1].dropFirst().dropLast())
    }

    /// `HTTP/1.1 GET http://localhost:5000/api/x?y=1 - 500 0 application/json;+charset=utf-8 12.3456ms`
    /// (the status, then the length and the content type, each `-` or `null` when unknown); before
    /// ASP.NET Core 3.0, `in 28.674ms 200 application/json`.
    private static func aspNet(_ text: Substring, to line: inout ParsedLine) {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        if words.count >= 3, words[0] == "in", let duration = milliseconds(words[1]), let status = status(words[2]) {
            return complete(&line, status: status, durationMS: duration)
        }
        guard words.count >= 6, words[0].hasPrefix("HTTP/"), isMethod(words[1]), words[3] == "-",
            let status = status(words[4]), let duration = words.last.flatMap(milliseconds)
        else { return }
        name(&line, method: words[1], path: words[2])
        complete(&line, status: status, durationMS: duration)
    }

    /// `[GIN] 2026/11/30 - 10:20:03 | 404 |      12.3µs |       127.0.0.1 | GET      "/ping"`.
    private static func gin(_ text: Substring, to line: inout ParsedLine) {
        let columns = text.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard columns.count >= 5, let status = status(columns[1]) else { return }
        let request = columns[4].split(separator: " ", omittingEmptySubsequences: true)
        guard request.count == 2, isMethod(request[0]), request[1].count >= 3, request[1].first == "\"", request[1].last == "\"" else { return }
        name(&line, method: request[0], path: request[1].dropFirst().dropLast())
        complete(&line, status: status, durationMS: duration(columns[2]))
    }

    /// `GET /x 304 3.456 ms - -` and `GET /x 200 12 - 3.456 ms` (morgan's dev and tiny formats),
    /// `GET /x 200 in 123ms` (Next.js); returns whether `text` was one.
    private static func ledByRequest(_ text: Substring, to line: inout ParsedLine) -> Bool {
        // Most lines are turned away by their first word, before anything is split.
        guard let space = text.firstIndex(of: " "), isMethod(text[..<space]) else { return false }
        let words = text.split(separator: " ", maxSplits: 8, omittingEmptySubsequences: true)
        guard words.count >= 3, isMethod(words[0]), words[1].first == "/", let status = status(words[2]) else { return false }
        var durationMS: Double?
        for index in words.indices.dropFirst(3) where durationMS == nil {
            durationMS = duration(words[index]) ?? (index + 1 < words.count && words[index + 1] == "ms" ? number(words[index]) : nil)
        }
        name(&line, method: words[0], path: words[1])
        complete(&line, status: status, durationMS: durationMS)
        return true
    }

    /// `"GET /x?y=1 HTTP/1.1" 500 …` anywhere in `text`.
    private static func quotedRequestLine(in text: Substring, to line: inout ParsedLine) {
        var rest = text
        while let open = rest.firstIndex(of: "\"") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "\"") else { return }
            let request = after[..<close].split(separator: " ", omittingEmptySubsequences: true)
            let tail = after[after.index(after: close)...]
            if request.count == 3, isMethod(request[0]), request[2].hasPrefix("HTTP/"), tail.first == " ",
                let status = status(tail.dropFirst().prefix { $0 != " " })
            {
                name(&line, method: request[0], path: request[1])
                return complete(&line, status: status, durationMS: nil)
            }
            rest = tail
        }
    }

    private static func name(_ line: inout ParsedLine, method: Substring, path: Substring) {
        line.fields.append(key: "method", text: String(method))
        line.fields.append(key: "path", text: String(URLPath.of(path)))
    }

    private static func complete(_ line: inout ParsedLine, status: Int64, durationMS: Double?) {
        line.event = event(status: status)
        line.fields.append(key: "status_code", integer: status)
        if line.durationMS == nil { line.durationMS = durationMS }
        if line.level == nil { line.level = level(status: status) }
    }

    /// `text` after up to ``maximumTags`` leading `[…] ` groups (Rails' `config.log_tags`).
    static func afterTags(_ text: Substring) -> Substring {
        var rest = text
        for _ in 0..<maximumTags {
            guard rest.first == "[", let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].first == " " else { break }
            rest = rest[rest.index(close, offsetBy: 2)...]
        }
        return rest
    }

    /// A three-digit HTTP status.
    private static func status(_ word: Substring?) -> Int64? {
        guard let word, word.count == 3, let status = Int64(word), (100...599).contains(status) else { return nil }
        return status
    }

    /// `12ms` or `12.3456ms`.
    private static func milliseconds(_ word: Substring) -> Double? {
        guard word.hasSuffix("ms") else { return nil }
        return number(word.dropLast(2))
    }

    /// A duration with its unit, in milliseconds: `345ns`, `12.3µs` (or `us`), `1.2ms`, `1.5s`.
    private static func duration(_ word: Substring) -> Double? {
        for (unit, scale) in durationUnits where word.hasSuffix(unit) {
            return number(word.dropLast(unit.count)).map { $0 * scale }
        }
        return nil
    }

    /// Units of ``duration(_:)``, longer suffixes first (`ms` before `s`).
    private static let durationUnits: [(String, Double)] = [("ns", 1e-6), ("µs", 1e-3), ("us", 1e-3), ("ms", 1), ("s", 1000)]

    /// A finite, non-negative decimal number.
    private static func number(_ text: Substring) -> Double? {
        guard let first = text.first, first.isASCII, first.isNumber, let value = Double(text), value.isFinite, value >= 0 else { return nil }
        return value
    }

    /// An upper-case HTTP method name.
    private static func isMethod(_ word: Substring) -> Bool {
        (3...7).contains(word.count) && word.allSatisfy { $0.isASCII && $0.isUppercase }
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
