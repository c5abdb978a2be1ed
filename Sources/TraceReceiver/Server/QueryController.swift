import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import RequestTracing

/// `GET /api/debug/logs` (and `/api/debug/logs/follow`), `GET /api/requests`, `GET /api/debug/trace/{id}`
/// and `GET /buffers/timeline`.
struct QueryController: Sendable {
    static let maximumLimit = 10_000
    /// Most event names one `event` parameter may list.
    static let maximumEvents = 16

    let store: any LogStore
    let assembler: TraceAssembler

    /// Adds the routes to `routes`, which every route that reads records shares (see
    /// ``ReadAuthorizationMiddleware``).
    func register(on routes: RouterGroup<ReceiverRequestContext>) {
        routes.get("/api/debug/logs") { request, _ in try await logs(request) }
        routes.get("/api/debug/logs/follow") { request, _ in try await follow(request) }
        routes.get("/api/requests") { request, _ in try await requests(request) }
        routes.get("/api/debug/trace/{id}") { request, context -> Response in
            let id = try Self.validID(context.parameters.get("id") ?? "")
            guard let timeline = try await assembler.assemble(id: id) else { throw Self.notFound(id) }
            return .json(timeline.json())
        }
        routes.get("/buffers/timeline") { request, _ -> Response in
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

    /// `{"logs":[…],"position":"n","missed":n}`: the records matching the search filters in the order they
    /// were stored, after `after` (a `position` from an earlier answer) or, without it, the last `limit`
    /// stored. A client follows a search by passing each answer's position to the next request; `missed`
    /// counts records stored since that position and already gone (see ``LogArrivals/missed``).
    private func follow(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        if parameters["cursor"] != nil {
            throw ReceiverError.invalidParameter("cursor", "pages are for searches; to follow, pass the last answer's position as after")
        }
        let query = try Self.query(from: parameters, now: RecordTime.now())
        var position: Int64?
        if let text = parameters["after"], !text.isEmpty {
            guard let parsed = Int64(text), parsed >= 0 else {
                throw ReceiverError.invalidParameter("after", "not a position returned by this endpoint")
            }
            position = parsed
        }
        let arrivals = try await store.arrivals(matching: query, after: position)
        var writer = JSONWriter(capacity: 64 + arrivals.records.count * 400)
        writer.raw("{\"logs\":")
        TraceTimeline.writeRecords(arrivals.records, to: &writer)
        writer.raw(",\"position\":\"")
        writer.integer(Int(arrivals.position))
        writer.raw("\",\"missed\":")
        writer.integer(arrivals.missed)
        writer.raw("}\n")
        return .json(writer.bytes)
    }

    /// `{"requests":[…],"count":n}`: the latest requests with a record matching the search filters
    /// (`limit` counts requests: default 50, at most 500), newest first.
    private func requests(_ request: Request) async throws -> Response {
        let parameters = request.uri.queryParameters
        var filter = try Self.query(from: parameters, now: RecordTime.now(), allowing: Self.requestFilters)
        filter.limit = try Self.limit(parameters, default: RequestLister.defaultLimit, maximum: RequestLister.maximumLimit)
        let requests = try await RequestLister(store: store).requests(matching: filter, limit: filter.limit)
        return .json(RecentRequest.listJSON(requests) + [UInt8(ascii: "\n")])
    }

    /// The filters `GET /api/requests` reads; a request matches when any of its records does.
    static let requestFilters: Set<String> = ["service", "source", "event", "level", "since", "until", "q", "field", "limit"]

    /// Reads the search parameters, rejecting any that is present but unreadable (and, with
    /// `allowing`, any not in that set).
    static func query(from parameters: Parameters, now: Int64, allowing allowed: Set<String>? = nil) throws -> LogQuery {
        if let allowed, let unknown = parameters.first(where: { !allowed.contains(String($0.key)) }) {
            // The name is echoed only as far as it is a plain identifier.
            let name = String(unknown.key.prefix(64).filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            throw ReceiverError.invalidParameter(
                name.isEmpty ? "parameter" : name, "not a filter here; use \(allowed.sorted().joined(separator: ", "))"
            )
        }
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
        if let events = value("event") {
            let names = events.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard names.count <= maximumEvents, names.allSatisfy(RequestID.isValid) else {
                throw ReceiverError.invalidParameter(
                    "event", "expected up to \(maximumEvents) comma-separated event names of A–Z, a–z, 0–9 and . _ : -"
                )
            }
            query.events = Set(names)
        }
        let fields = parameters[values: "field"].filter { !$0.isEmpty }
        let conditions = fields.compactMap { FieldCondition(parsing: $0) }
        guard conditions.count == fields.count, conditions.count <= FieldCondition.maximumConditions else {
            throw ReceiverError.invalidParameter("field", "expected up to \(FieldCondition.maximumConditions) conditions key=value, \(FieldCondition.limitsDescription)")
        }
        query.fieldConditions = conditions
        if let q = value("q") {
            let search: SearchText
            do {
                search = try SearchText(parsing: q)
            } catch .invalidCondition(let key) {
                throw ReceiverError.invalidParameter("q", "the condition @\(key) is too long: \(FieldCondition.limitsDescription)")
            }
            guard conditions.count + search.conditions.count <= FieldCondition.maximumConditions else {
                throw ReceiverError.invalidParameter(
                    "q", "at most \(FieldCondition.maximumConditions) field conditions in all, @key=value in q and field parameters together"
                )
            }
            query.text = search.text
            query.fieldConditions += search.conditions
        }
        query.limit = try limit(parameters, default: query.limit, maximum: maximumLimit)
        if let cursor = value("cursor") {
            guard let parsed = LogCursor(cursor) else {
                throw ReceiverError.invalidParameter("cursor", "not a cursor returned by this endpoint")
            }
            query.cursor = parsed
        }
        return query
    }

    /// The `limit` parameter: `fallback` when absent, else a whole number from 1 to `maximum`.
    static func limit(_ parameters: Parameters, default fallback: Int, maximum: Int) throws -> Int {
        guard let text = parameters["limit"], !text.isEmpty else { return fallback }
        guard let parsed = Int(text), (1...maximum).contains(parsed) else {
            throw ReceiverError.invalidParameter("limit", "must be a whole number from 1 to \(maximum)")
        }
        return parsed
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
