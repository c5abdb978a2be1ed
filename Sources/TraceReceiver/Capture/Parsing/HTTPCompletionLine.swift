/// The lines in which a web framework says it started or finished a request, read as the middleware
/// writes its own: a finished request becomes a `request_completed` record (`request_failed` for a status
/// of 500 or more, as the middleware counts it) with `status_code` and `duration_ms`, and the method and
/// path where the line names them, so that the request list shows requests of programs we never changed.
///
/// - Rails: `Started GET "/orders/42" for 127.0.0.1 at …` is the middleware's `request_received`, with
///   `method` and `path` (which the request list takes when the completion names neither);
///   `Completed 500 Internal Server Error in 12ms (…)` the status and duration. Tags before them
///   (`[request-id] `, as `config.log_tags` writes) are skipped.
/// - ASP.NET Core's hosting diagnostics: `Request finished HTTP/1.1 GET http://host/api/x?y=1 - 500 0
///   application/json 12.3456ms` gives all four (the path without its query); before 3.0, `Request
///   finished in 28.674ms 200 application/json` the status and duration.
/// - uvicorn's access line (FastAPI, Starlette), after its level: `127.0.0.1:52345 - "GET /api/orders?x=1
///   HTTP/1.1" 500 Internal Server Error` gives the method, the path (without its query) and the status.
///
/// The NCSA access log (nginx, Apache) is read by ``AccessLogParser``, which marks its lines likewise.
enum HTTPCompletionLine {
    /// Most `[tag] ` groups skipped before a Rails line.
    static let maximumTags = 4

    /// Reads `line`'s message when it is one of the lines above and the line has no event of its own.
    static func apply(to line: inout ParsedLine) {
        guard line.event == nil else { return }
        let text = afterTags(Substring(line.message))
        if text.hasPrefix("Completed ") {
            rails(completed: text.dropFirst("Completed ".count), to: &line)
        } else if text.hasPrefix("Started ") {
            rails(started: text.dropFirst("Started ".count), to: &line)
        } else if text.hasPrefix("Request finished ") {
            aspNet(text.dropFirst("Request finished ".count), to: &line)
        } else if let dash = text.firstRange(of: " - \""), !text[..<dash.lowerBound].contains(" ") {
            uvicorn(text[dash.upperBound...], to: &line)
        }
    }

    /// `GET /api/orders?x=1 HTTP/1.1" 500 Internal Server Error`, after the client's address.
    private static func uvicorn(_ text: Substring, to line: inout ParsedLine) {
        guard let quote = text.firstIndex(of: "\"") else { return }
        let request = text[..<quote].split(separator: " ", omittingEmptySubsequences: true)
        let after = text[text.index(after: quote)...].split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard request.count == 3, isMethod(request[0]), request[2].hasPrefix("HTTP/"), let status = status(after.first) else { return }
        line.fields.append(key: "method", text: String(request[0]))
        line.fields.append(key: "path", text: String(request[1].prefix { $0 != "?" && $0 != "#" }))
        line.event = event(status: status)
        line.fields.append(key: "status_code", integer: status)
    }

    /// The event of a request that ended with `status`.
    static func event(status: Int64) -> String {
        status >= Int64(RecentRequest.failingStatus) ? "request_failed" : "request_completed"
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
        line.fields.append(key: "method", text: String(words[0]))
        line.fields.append(key: "path", text: String(words[1].dropFirst().dropLast()))
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
        var path = words[2]
        if let scheme = path.firstRange(of: "://") {
            let rest = path[scheme.upperBound...]
            path = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        line.fields.append(key: "method", text: String(words[1]))
        line.fields.append(key: "path", text: String(path.prefix { $0 != "?" && $0 != "#" }))
        complete(&line, status: status, durationMS: duration)
    }

    private static func complete(_ line: inout ParsedLine, status: Int64, durationMS: Double) {
        line.event = event(status: status)
        line.fields.append(key: "status_code", integer: status)
        if line.durationMS == nil { line.durationMS = durationMS }
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
        guard word.hasSuffix("ms"), let value = Double(word.dropLast(2)), value.isFinite, value >= 0 else { return nil }
        return value
    }

    /// An upper-case HTTP method name.
    private static func isMethod(_ word: Substring) -> Bool {
        (3...7).contains(word.count) && word.allSatisfy { $0.isASCII && $0.isUppercase }
    }
}
