extension JSONLineParser {
    /// The request a structured access log describes: Caddy's (logger `http.log.access…`,
    /// `"request":{"method","uri"}`, `"status"`, `"duration"` in seconds) or Echo's (`"method"`, `"uri"`,
    /// `"status"`, `"latency"` in nanoseconds, its request id in `"id"`, and no message). Other lines with
    /// a method and a status (an outgoing call's, a proxy's upstream round trip) are not requests served.
    static func accessLogRequest(_ object: JSONScanner.Value, hasMessage: Bool, in scanner: JSONScanner)
        -> (method: String, target: String, status: Int64, durationMS: Double?, id: String?)?
    {
        guard let status = member("status", of: object, in: scanner).flatMap(scanner.double), status.rounded() == status,
            (100...599).contains(status)
        else { return nil }
        let request =
            string("logger", of: object, in: scanner)?.hasPrefix("http.log.access") == true
            ? member("request", of: object, in: scanner).flatMap { $0.kind == .object ? $0 : nil } : nil
        guard request != nil || !hasMessage else { return nil }
        let source = request ?? object
        guard let method = string("method", of: source, in: scanner), (3...7).contains(method.utf8.count),
            method.utf8.allSatisfy(CaptureBytes.isUpper),
            let target = string("uri", of: source, in: scanner) ?? string("path", of: source, in: scanner),
            target.hasPrefix("/") || target.hasPrefix("http")
        else { return nil }
        var durationMS: Double?
        if request != nil, let seconds = member("duration", of: object, in: scanner).flatMap(scanner.double) {
            durationMS = seconds * 1000
        } else if request == nil, let nanoseconds = member("latency", of: object, in: scanner).flatMap(scanner.double) {
            durationMS = nanoseconds / 1e6
        }
        let id = request == nil ? string("id", of: object, in: scanner) : nil
        return (method, target, Int64(status), durationMS.flatMap { $0.isFinite ? $0 : nil }, id)
    }
}
