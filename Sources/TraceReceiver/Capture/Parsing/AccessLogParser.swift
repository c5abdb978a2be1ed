import Logging

/// Reads the NCSA common and combined access log formats (nginx's and Apache's defaults):
/// `203.0.113.9 - alice [10/Oct/2000:13:55:36 -0700] "GET /api/orders?id=7 HTTP/1.1" 404 2326 "https://example.com/" "curl/8.5.0"`.
///
/// The message is `METHOD TARGET STATUS`; `method`, `path` (the target without its query, as every other
/// request's path: the query may hold tokens, and a request is listed and matched to browser reports by
/// its path), `status_code`, `bytes`, `remote_addr`, `protocol`, `referer` and `user_agent` become
/// fields. The level follows the status: 5xx error, 4xx warning, anything else info. The line is a finished request, as the middleware's are
/// (``HTTPCompletionLine``): `request_completed`, or `request_failed` for a 5xx, with `duration_ms`
/// from an appended `rt=` or `request_time=` (nginx's `$request_time`, in seconds).
enum AccessLogParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Digits in an HTTP status code.
    private static let statusDigits = 3

    static func parse(_ bytes: Bytes, _ range: Range<Int>, zone: NaiveTimeZone, receivedAt: Int64) -> ParsedLine? {
        let end = range.upperBound
        // host ident user [time]
        var index = range.lowerBound
        var host = index..<index
        var user = index..<index
        for word in 0..<3 {
            let wordEnd = CaptureBytes.wordEnd(bytes, from: index, to: end)
            guard wordEnd > index, wordEnd < end else { return nil }
            if word == 0 { host = index..<wordEnd }
            if word == 2 { user = index..<wordEnd }
            index = wordEnd + 1
        }
        guard index < end, bytes[index] == UInt8(ascii: "["),
            let (timestamp, timeEnd) = CaptureTimestamp.parsePrefix(bytes, from: index + 1, zone: zone, receivedAt: receivedAt),
            CaptureBytes.hasPrefix(bytes, at: timeEnd, "] \"")
        else { return nil }
        index = timeEnd + 2
        guard let (request, requestEnd) = quoted(bytes, from: index, end: end) else { return nil }
        index = requestEnd
        guard index < end, bytes[index] == 0x20 else { return nil }
        index += 1
        let statusEnd = index + statusDigits
        guard statusEnd <= end, let status = CaptureBytes.integer(bytes, index..<statusEnd),
            statusEnd == end || bytes[statusEnd] == 0x20
        else { return nil }
        index = CaptureBytes.skipSpaces(bytes, from: statusEnd, to: end)
        let sizeEnd = CaptureBytes.wordEnd(bytes, from: index, to: end)
        let size = CaptureBytes.integer(bytes, index..<sizeEnd)
        index = CaptureBytes.skipSpaces(bytes, from: sizeEnd, to: end)
        var referer: Range<Int>?
        var userAgent: Range<Int>?
        if let (range, next) = quoted(bytes, from: index, end: end) {
            referer = range
            index = CaptureBytes.skipSpaces(bytes, from: next, to: end)
            if let (range, next) = quoted(bytes, from: index, end: end) {
                userAgent = range
                index = next
            }
        }
        let duration = requestTime(bytes, from: index, end: end)

        // "METHOD PATH PROTOCOL"
        let methodEnd = CaptureBytes.wordEnd(bytes, from: request.lowerBound, to: request.upperBound)
        let pathStart = CaptureBytes.skipSpaces(bytes, from: methodEnd, to: request.upperBound)
        let pathEnd = CaptureBytes.wordEnd(bytes, from: pathStart, to: request.upperBound)
        let protocolRange = CaptureBytes.trimmed(bytes, pathEnd..<request.upperBound)
        let method = CaptureBytes.string(bytes, request.lowerBound..<methodEnd)
        let target = CaptureBytes.string(bytes, pathStart..<pathEnd)
        let path = URLPath.string(bytes, pathStart..<pathEnd)

        var parsed = ParsedLine(message: target.isEmpty ? "\(method) \(status)" : "\(method) \(target) \(status)")
        parsed.timestamp = timestamp
        parsed.level = HTTPCompletionLine.level(status: status) ?? .info
        parsed.event = HTTPCompletionLine.event(status: status)
        parsed.durationMS = duration
        parsed.fields.append(key: "method", text: method)
        if !path.isEmpty { parsed.fields.append(key: "path", text: path) }
        parsed.fields.append(key: "status_code", integer: status)
        if let size { parsed.fields.append(key: "bytes", integer: size) }
        parsed.fields.append(key: "remote_addr", text: CaptureBytes.string(bytes, host))
        if !CaptureBytes.equals(bytes, user, "-") { parsed.fields.append(key: "user", text: CaptureBytes.string(bytes, user)) }
        if !protocolRange.isEmpty { parsed.fields.append(key: "protocol", text: CaptureBytes.string(bytes, protocolRange)) }
        if let referer, !CaptureBytes.equals(bytes, referer, "-") {
            parsed.fields.append(key: "referer", text: CaptureBytes.string(bytes, referer))
        }
        if let userAgent, !CaptureBytes.equals(bytes, userAgent, "-") {
            parsed.fields.append(key: "user_agent", text: CaptureBytes.string(bytes, userAgent))
        }
        return parsed
    }

    /// Names under which a custom format appends nginx's `$request_time` (seconds, millisecond resolution).
    private static let requestTimeKeys: [StaticString] = ["rt=", "request_time="]

    /// The request's duration in milliseconds, from a `rt=0.012` or `request_time=0.012` word after the
    /// combined format's fields.
    private static func requestTime(_ bytes: Bytes, from start: Int, end: Int) -> Double? {
        var index = CaptureBytes.skipSpaces(bytes, from: start, to: end)
        while index < end {
            let wordEnd = CaptureBytes.wordEnd(bytes, from: index, to: end)
            for key in requestTimeKeys where CaptureBytes.hasPrefix(bytes, at: index, key, end: wordEnd) {
                let value = CaptureBytes.string(bytes, index + key.utf8CodeUnitCount..<wordEnd)
                if let seconds = Double(value), seconds.isFinite, seconds >= 0 { return seconds * 1000 }
            }
            index = CaptureBytes.skipSpaces(bytes, from: wordEnd, to: end)
        }
        return nil
    }

    /// The content of a `"…"` starting at `start` (`\"` escapes skipped) and the index after the closing quote.
    private static func quoted(_ bytes: Bytes, from start: Int, end: Int) -> (Range<Int>, Int)? {
        guard start < end, bytes[start] == UInt8(ascii: "\"") else { return nil }
        var index = start + 1
        while index < end {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == UInt8(ascii: "\"") { return (start + 1..<index, index + 1) }
            index += 1
        }
        return nil
    }
}
