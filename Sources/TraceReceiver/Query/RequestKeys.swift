/// Which request a record belongs to in the request list and `recent_requests`: its request id; for a
/// record with only a trace id (an OpenTelemetry server span, a service that sends no request id), the
/// request id that other records of the same trace carry; else the trace id itself.
///
/// So a request that passed through a service using the middleware and one exporting OpenTelemetry
/// spans is one entry, and a request seen only through OpenTelemetry is listed by its trace id. A
/// completion with neither id is a request of its own (``ownKey(of:)``).
struct RequestKeys: Sendable {
    /// The request id first seen with each trace id.
    private var requestOfTrace: [String: String] = [:]

    /// Keys that learnt nothing yet: every record is keyed by its own ids.
    init() {}

    /// Learns the request id of each trace that a record among `records` carries with one.
    mutating func learn(_ records: some Sequence<LogRecord>) {
        for record in records {
            guard let traceID = record.traceID, let requestID = record.requestID else { continue }
            if requestOfTrace[traceID] == nil { requestOfTrace[traceID] = requestID }
        }
    }

    /// The request a key names now: for a trace id since learnt to carry a request id, that request id.
    func current(_ key: String) -> String {
        requestOfTrace[key] ?? key
    }

    /// The request `record` belongs to, or `nil` for a record with neither id.
    func key(of record: LogRecord) -> String? {
        record.requestID ?? record.traceID.map { requestOfTrace[$0] ?? $0 }
    }

    /// The key of a request known only from one completion record with neither id (an access log line
    /// of a program that writes none): the record's own, which no request or trace id can equal (`#`
    /// is not allowed in them).
    static func ownKey(of record: LogRecord) -> String {
        "#\(record.id)-\(record.timestamp)"
    }

    /// Whether `key` is an ``ownKey(of:)``.
    static func isOwnKey(_ key: String) -> Bool {
        key.hasPrefix("#")
    }
}
