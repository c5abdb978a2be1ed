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
///   `Request starting HTTP/1.1 GET http://host/api/x?y=1 - - -` is a `request_received`.
/// - Gin: `[GIN] 2026/11/30 - 10:20:03 | 404 |      12.3µs |       127.0.0.1 | GET      "/ping"`.
/// - koa-logger: `<-- GET /x` when a request starts (given a request id), `--> GET /x 200 12ms 1.2kb` when
///   it ends (`xxx` when it failed, `-x-` when the client went away).
/// - Plug (Phoenix): `GET /x` when a request starts (a `request_received`, given a request id) and
///   `Sent 200 in 2ms` when it ends.
/// - A line led by the request: morgan's `GET /x 304 3.456 ms - -` and `GET /x 200 12 - 3.456 ms`, and
///   Next.js's `GET /x 200 in 123ms`. Only the request, `GET /x`, on a line with a request id, is where
///   Vapor's `RouteLoggingMiddleware` says a request started: a `request_received`.
/// - A quoted request line followed by the status, anywhere: uvicorn (`127.0.0.1:52345 - "GET /x
///   HTTP/1.1" 500 Internal Server Error`), Werkzeug (Flask) and Django's development servers
///   (`[30/Nov/2026 10:20:01] "GET /x HTTP/1.1" 200 1234`), and go-chi's `middleware.Logger`
///   (`[host/AbCd-000001] "GET http://host/x HTTP/1.1" from 127.0.0.1:52345 - 200 12B in 34.5µs`, its
///   bracketed request id taken as the request id).
///
/// Structured access logs (Caddy's, Echo's JSON) are read by ``JSONLineParser``, which calls
/// ``apply(method:target:status:durationMS:to:)``.
///
/// The message is read as UTF-8 bytes, and most lines are turned away by a byte or two: this runs on
/// every captured line. The NCSA access log (nginx, Apache) is read by ``AccessLogParser``, which marks
/// its lines likewise.
enum HTTPCompletionLine {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Most `[tag] ` groups skipped before a Rails line.
    static let maximumTags = 4
    /// Most words of a line read for a duration after its status.
    private static let maximumWordsRead = 8

    /// Reads `line`'s message when it is one of the lines above and the line has no event of its own.
    static func apply(to line: inout ParsedLine) {
        guard line.event == nil, !line.message.isEmpty else { return }
        var message = line.message
        message.withUTF8 { read($0, into: &line) }
    }

    private static func read(_ bytes: Bytes, into line: inout ParsedLine) {
        if CaptureBytes.hasPrefix(bytes, at: 0, "[GIN] ") { return gin(bytes, into: &line) }
        let start = afterTags(bytes, from: 0)
        if CaptureBytes.hasPrefix(bytes, at: start, "Completed ") {
            railsCompleted(bytes, from: start + 10, into: &line)
        } else if CaptureBytes.hasPrefix(bytes, at: start, "Started ") {
            railsStarted(bytes, from: start + 8, into: &line)
        } else if CaptureBytes.hasPrefix(bytes, at: start, "Request finished ") {
            aspNet(bytes, from: start + 17, into: &line)
        } else if CaptureBytes.hasPrefix(bytes, at: start, "Request starting ") {
            aspNetStarting(bytes, from: start + 17, into: &line)
        } else if CaptureBytes.hasPrefix(bytes, at: start, "Sent ") {
            plugSent(bytes, from: start + 5, into: &line)
        } else if koaArrows.contains(where: { CaptureBytes.hasPrefix(bytes, at: start, $0) }) {
            _ = ledByRequest(bytes, from: start + 4, into: &line)
        } else if !ledByRequest(bytes, from: start, into: &line) {
            quotedRequestLine(bytes, into: &line)
        }
    }

    /// koa-logger's marks before its request: incoming, answered, failed, closed by the client.
    private static let koaArrows: [StaticString] = ["<-- ", "--> ", "xxx ", "-x- "]

    /// The event of a request that ended with `status`.
    static func event(status: Int64) -> String {
        status >= Int64(RecentRequest.failingStatus) ? "request_failed" : "request_completed"
    }

    /// The level a status implies for a line that gave none: error for 5xx, warning for 4xx.
    static func level(status: Int64) -> Logger.Level? {
        status >= Int64(RecentRequest.failingStatus) ? .error : status >= 400 ? .warning : nil
    }

    /// `500 Internal Server Error in 12ms (Views: …)`.
    private static func railsCompleted(_ bytes: Bytes, from start: Int, into line: inout ParsedLine) {
        let words = self.words(bytes, from: start, count: maximumWordsRead)
        guard let first = words.first, let status = status(bytes, first),
            let inIndex = words.firstIndex(where: { CaptureBytes.equals(bytes, $0, "in") }), inIndex + 1 < words.count,
            let duration = milliseconds(bytes, words[inIndex + 1])
        else { return }
        complete(&line, status: status, durationMS: duration)
    }

    /// `GET "/orders/42" for 127.0.0.1 at …`.
    private static func railsStarted(_ bytes: Bytes, from start: Int, into line: inout ParsedLine) {
        let words = self.words(bytes, from: start, count: 2)
        guard words.count == 2, isMethod(bytes, words[0]), let path = quoted(bytes, words[1]) else { return }
        line.event = RecentRequest.startEvent
        name(&line, bytes, method: words[0], path: path)
    }

    /// `HTTP/1.1 GET http://localhost:5000/api/x?y=1 - 500 0 application/json;+charset=utf-8 12.3456ms`
    /// (the status, then the length and the content type, each `-` or `null` when unknown); before
    /// ASP.NET Core 3.0, `in 28.674ms 200 application/json`.
    private static func aspNet(_ bytes: Bytes, from start: Int, into line: inout ParsedLine) {
        let words = self.words(bytes, from: start, count: .max)
        if words.count >= 3, CaptureBytes.equals(bytes, words[0], "in"), let duration = milliseconds(bytes, words[1]),
            let status = status(bytes, words[2])
        {
            return complete(&line, status: status, durationMS: duration)
        }
        guard words.count >= 6, CaptureBytes.hasPrefix(bytes, at: words[0].lowerBound, "HTTP/"), isMethod(bytes, words[1]),
            CaptureBytes.equals(bytes, words[3], "-"), let status = status(bytes, words[4]), let duration = milliseconds(bytes, words[words.count - 1])
        else { return }
        name(&line, bytes, method: words[1], path: words[2])
        complete(&line, status: status, durationMS: duration)
    }

    /// `200 in 2ms` (Plug.Logger, µs below a millisecond).
    private static func plugSent(_ bytes: Bytes, from start: Int, into line: inout ParsedLine) {
        let words = self.words(bytes, from: start, count: 4)
        guard words.count == 3, let status = status(bytes, words[0]), CaptureBytes.equals(bytes, words[1], "in"),
            let duration = duration(bytes, words[2])
        else { return }
        complete(&line, status: status, durationMS: duration)
    }

    /// `HTTP/1.1 GET http://localhost:5000/api/x?y=1 - - -` (the content type and length after the URL,
    /// since ASP.NET Core 3.0 each `-` when unknown).
    private static func aspNetStarting(_ bytes: Bytes, from start: Int, into line: inout ParsedLine) {
        let words = self.words(bytes, from: start, count: 3)
        guard words.count == 3, CaptureBytes.hasPrefix(bytes, at: words[0].lowerBound, "HTTP/"), isMethod(bytes, words[1]) else { return }
        line.event = RecentRequest.startEvent
        name(&line, bytes, method: words[1], path: words[2])
    }

    /// `[GIN] 2026/11/30 - 10:20:03 | 404 |      12.3µs |       127.0.0.1 | GET      "/ping"`.
    private static func gin(_ bytes: Bytes, into line: inout ParsedLine) {
        var columns: [Range<Int>] = []
        var start = 0
        while columns.count < 5 {
            let end = CaptureBytes.find(UInt8(ascii: "|"), in: bytes, from: start) ?? bytes.count
            columns.append(CaptureBytes.trimmed(bytes, start..<end))
            guard end < bytes.count else { break }
            start = end + 1
        }
        guard columns.count == 5, let status = status(bytes, columns[1]) else { return }
        let request = words(bytes, from: columns[4].lowerBound, to: columns[4].upperBound, count: 3)
        guard request.count == 2, isMethod(bytes, request[0]), let path = quoted(bytes, request[1]) else { return }
        name(&line, bytes, method: request[0], path: path)
        complete(&line, status: status, durationMS: duration(bytes, columns[2]))
    }

    /// `GET /x 304 3.456 ms - -` and `GET /x 200 12 - 3.456 ms` (morgan's dev and tiny formats),
    /// `GET /x 200 in 123ms` (Next.js), and `GET /x` alone with a request id (Vapor, when a request
    /// starts); returns whether the line was one.
    private static func ledByRequest(_ bytes: Bytes, from start: Int, into line: inout ParsedLine) -> Bool {
        // Most lines are turned away by their first word.
        let methodEnd = CaptureBytes.wordEnd(bytes, from: start)
        guard isMethod(bytes, start..<methodEnd), methodEnd + 1 < bytes.count, bytes[methodEnd + 1] == UInt8(ascii: "/") else { return false }
        let words = self.words(bytes, from: start, count: maximumWordsRead)
        if words.count == 2, line.ids.requestID != nil {
            line.event = RecentRequest.startEvent
            name(&line, bytes, method: words[0], path: words[1])
            return true
        }
        guard words.count >= 3, let status = status(bytes, words[2]) else { return false }
        var durationMS: Double?
        for index in words.indices.dropFirst(3) where durationMS == nil {
            durationMS = duration(bytes, words[index])
            if durationMS == nil, index + 1 < words.count, CaptureBytes.equals(bytes, words[index + 1], "ms") {
                durationMS = number(bytes, words[index])
            }
        }
        name(&line, bytes, method: words[0], path: words[1])
        complete(&line, status: status, durationMS: durationMS)
        return true
    }

    /// `"GET /x?y=1 HTTP/1.1" 500 …` anywhere in the line.
    private static func quotedRequestLine(_ bytes: Bytes, into line: inout ParsedLine) {
        var from = 0
        while let open = CaptureBytes.find(UInt8(ascii: "\""), in: bytes, from: from) {
            guard let close = CaptureBytes.find(UInt8(ascii: "\""), in: bytes, from: open + 1) else { return }
            from = close + 1
            // `"METHOD PATH HTTP/x" STATUS`: the quote is followed by a space and three digits.
            guard close + 4 < bytes.count, bytes[close + 1] == 0x20, CaptureBytes.isUpper(bytes[open + 1]) else { continue }
            let request = words(bytes, from: open + 1, to: close, count: 4)
            guard request.count == 3, isMethod(bytes, request[0]), CaptureBytes.hasPrefix(bytes, at: request[2].lowerBound, "HTTP/") else { continue }
            // go-chi: `from ADDRESS - ` before the status, ` in DURATION` after its size.
            let chi = CaptureBytes.hasPrefix(bytes, at: close + 2, "from ") ? words(bytes, from: close + 2, count: 3) : []
            if !chi.isEmpty, chi.count < 3 || !CaptureBytes.equals(bytes, chi[2], "-") { continue }
            let statusStart = chi.last.map { CaptureBytes.skipSpaces(bytes, from: $0.upperBound) } ?? close + 2
            let statusEnd = CaptureBytes.wordEnd(bytes, from: statusStart)
            guard let status = status(bytes, statusStart..<statusEnd) else { continue }
            var durationMS: Double?
            if !chi.isEmpty {
                let rest = words(bytes, from: statusEnd, count: 3)
                if rest.count == 3, CaptureBytes.equals(bytes, rest[1], "in") { durationMS = duration(bytes, rest[2]) }
                if line.ids.requestID == nil, bytes.first == UInt8(ascii: "["),
                    let tagEnd = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: 1, to: open), tagEnd > 1
                {
                    line.ids.requestID = CaptureBytes.string(bytes, 1..<tagEnd)
                }
            }
            name(&line, bytes, method: request[0], path: request[1])
            return complete(&line, status: status, durationMS: durationMS)
        }
    }

    /// Marks `line` as the request a structured access log describes: its status and duration, and the
    /// `method` and `path` fields (the target's path, without its query), each unless the line's own
    /// fields have one (`method` nil, `target` nil).
    static func apply(method: String?, target: String?, status: Int64, durationMS: Double?, to line: inout ParsedLine) {
        if let method { line.fields.append(key: "method", text: method) }
        if let target { line.fields.append(key: "path", text: String(URLPath.of(target[...]))) }
        complete(&line, status: status, durationMS: durationMS)
    }

    private static func name(_ line: inout ParsedLine, _ bytes: Bytes, method: Range<Int>, path: Range<Int>) {
        line.fields.append(key: "method", text: CaptureBytes.string(bytes, method))
        line.fields.append(key: "path", text: URLPath.string(bytes, path))
    }

    private static func complete(_ line: inout ParsedLine, status: Int64, durationMS: Double?) {
        line.event = event(status: status)
        line.fields.append(key: "status_code", integer: status)
        if line.durationMS == nil { line.durationMS = durationMS }
        if line.level == nil { line.level = level(status: status) }
    }

    /// Where the line goes on after up to ``maximumTags`` `[…] ` groups from `start` (Rails' `config.log_tags`).
    static func afterTags(_ bytes: Bytes, from start: Int) -> Int {
        var index = start
        for _ in 0..<maximumTags {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "["),
                let close = CaptureBytes.find(UInt8(ascii: "]"), in: bytes, from: index + 1), close + 1 < bytes.count, bytes[close + 1] == 0x20
            else { break }
            index = close + 2
        }
        return index
    }

    /// Up to `count` space-separated words from `start` to `end`.
    private static func words(_ bytes: Bytes, from start: Int, to end: Int? = nil, count: Int) -> [Range<Int>] {
        let end = end ?? bytes.count
        var words: [Range<Int>] = []
        var index = CaptureBytes.skipSpaces(bytes, from: start, to: end)
        while index < end, words.count < count {
            let wordEnd = CaptureBytes.wordEnd(bytes, from: index, to: end)
            words.append(index..<wordEnd)
            index = CaptureBytes.skipSpaces(bytes, from: wordEnd, to: end)
        }
        return words
    }

    /// The inside of a word in double quotes (at least one byte).
    private static func quoted(_ bytes: Bytes, _ word: Range<Int>) -> Range<Int>? {
        guard word.count >= 3, bytes[word.lowerBound] == UInt8(ascii: "\""), bytes[word.upperBound - 1] == UInt8(ascii: "\"") else { return nil }
        return word.lowerBound + 1..<word.upperBound - 1
    }

    /// A three-digit HTTP status.
    private static func status(_ bytes: Bytes, _ word: Range<Int>) -> Int64? {
        guard word.count == 3, let status = CaptureBytes.integer(bytes, word), (100...599).contains(status) else { return nil }
        return status
    }

    /// `12ms` or `12.3456ms`.
    private static func milliseconds(_ bytes: Bytes, _ word: Range<Int>) -> Double? {
        guard word.count > 2, CaptureBytes.equals(bytes, word.upperBound - 2..<word.upperBound, "ms") else { return nil }
        return number(bytes, word.lowerBound..<word.upperBound - 2)
    }

    /// A duration with its unit, in milliseconds: `345ns`, `12.3µs` (or `us`), `1.2ms`, `1.5s`.
    private static func duration(_ bytes: Bytes, _ word: Range<Int>) -> Double? {
        for (unit, scale) in durationUnits where word.count > unit.utf8CodeUnitCount {
            let unitStart = word.upperBound - unit.utf8CodeUnitCount
            if CaptureBytes.equals(bytes, unitStart..<word.upperBound, unit) {
                return number(bytes, word.lowerBound..<unitStart).map { $0 * scale }
            }
        }
        return nil
    }

    /// Units of ``duration(_:_:)``, longer suffixes first (`ms` before `s`).
    private static let durationUnits: [(StaticString, Double)] = [("ns", 1e-6), ("µs", 1e-3), ("us", 1e-3), ("ms", 1), ("s", 1000)]

    /// A finite, non-negative decimal number of digits and at most one point.
    private static func number(_ bytes: Bytes, _ range: Range<Int>) -> Double? {
        guard let first = range.first, CaptureBytes.isDigit(bytes[first]), range.count <= 24 else { return nil }
        for index in range where !CaptureBytes.isDigit(bytes[index]) && bytes[index] != UInt8(ascii: ".") { return nil }
        guard let value = Double(CaptureBytes.string(bytes, range)), value.isFinite else { return nil }
        return value
    }

    /// An upper-case HTTP method name.
    private static func isMethod(_ bytes: Bytes, _ word: Range<Int>) -> Bool {
        guard (3...7).contains(word.count) else { return false }
        for index in word where !CaptureBytes.isUpper(bytes[index]) { return false }
        return true
    }
}
