import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import RequestTracing

/// `GET /api/debug/logs`, `GET /api/debug/trace/{id}` and `GET /buffers/timeline`.
struct QueryController: Sendable {
    static let maximumLimit = 10_000

    let store: any LogStore
    let assembler: TraceAssembler

    func register(on router: Router<ReceiverRequestContext>) {
        router.get("/api/debug/logs") { request, _ in try await logs(request) }
        router.get("/api/debug/trace/{id}") { _, context -> Response in
            let id = try Self.validID(context.parameters.get("id") ?? "")
            guard let timeline = try await assembler.assemble(id: id) else { throw Self.notFound(id) }
            return .json(timeline.json())
        }
        router.get("/buffers/timeline") { request, _ -> Response in
            let filter = request.uri.queryParameters["filter"].map(String.init) ?? ""
            guard filter.hasPrefix("correlation_id:") else {
                throw ReceiverError.invalidParameter("filter", "expected correlation_id:<request or trace id>")
            }
            let id = try Self.validID(String(filter.dropFirst("correlation_id:".count)))
            guard let timeline = try await assembler.assemble(id: id) else { throw Self.notFound(id) }
            var writer = JSONWriter(capacity: timeline.timeline.count * 400 + 8)
            TraceTimeline.writeRecords(timeline.timeline, to: &writer)
            writer.byte(UInt8(ascii: "\n"))
            return .json(writer.bytes)
        }
    }

    private func logs(_ request: Request) async throws -> Response {
        let query = try Self.query(from: request.uri.queryParameters, now: RecordTime.now())
        let page = try await store.search(query)
        var writer = JSONWriter(capacity: 128 + page.records.count * 400)
        writer.byte(UInt8(ascii: "{"))
        page.writeMembers(to: &writer)
        if let cursor = page.nextCursor {
            writer.raw(",\"nextCursor\":")
            writer.string(cursor.description)
        }
        writer.raw("}\n")
        return .json(writer.bytes)
    }

    /// Reads the search parameters, rejecting any that is present but unreadable.
    static func query(from parameters: Parameters, now: Int64) throws -> LogQuery {
        var query = LogQuery()
        func value(_ name: String) -> String? {
            parameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        }
        query.requestID = value("request_id")
        query.traceID = value("trace_id")
        query.service = value("service")
        if let source = value("source") {
            guard let parsed = RecordSource(rawValue: source.lowercased()) else {
                throw ReceiverError.invalidParameter("source", "must be backend, frontend or capture")
            }
            query.source = parsed
        }
        if let level = value("level") {
            guard let parsed = Logger.Level(alias: level) else {
                throw ReceiverError.invalidParameter("level", "must be one of trace, debug, info, notice, warning, error, critical")
            }
            query.minimumLevel = parsed
        }
        for (name, keyPath) in [("since", \LogQuery.since), ("until", \LogQuery.until)] {
            if let text = value(name) {
                guard let time = TimeExpression.parse(text, now: now) else {
                    throw ReceiverError.invalidParameter(name, "expected a span like 30m, 1h, 2d or an RFC 3339 timestamp")
                }
                query[keyPath: keyPath] = time
            }
        }
        query.text = value("q")
        if let limit = value("limit") {
            guard let parsed = Int(limit), (1...maximumLimit).contains(parsed) else {
                throw ReceiverError.invalidParameter("limit", "must be a whole number from 1 to \(maximumLimit)")
            }
            query.limit = parsed
        }
        if let cursor = value("cursor") {
            guard let parsed = LogCursor(cursor) else {
                throw ReceiverError.invalidParameter("cursor", "not a cursor returned by this endpoint")
            }
            query.cursor = parsed
        }
        return query
    }

    static func validID(_ id: String) throws -> String {
        guard RequestID.isValid(id) else {
            throw ReceiverError.invalidParameter("id", "must be 1–128 characters of A–Z, a–z, 0–9 and . _ : -")
        }
        return id
    }

    static func notFound(_ id: String) -> ReceiverError {
        ReceiverError(.notFound, "not_found", "no records for request or trace id \(id)")
    }
}

typealias Parameters = FlatDictionary<Substring, Substring>
