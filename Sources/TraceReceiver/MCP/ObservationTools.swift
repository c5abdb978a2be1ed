import Logging
import MCP
import RequestTracing

/// The MCP tools (`observe`, `trace`, `recent_requests`) over an ``ObservationSource``: one
/// implementation behind both the stdio server (`trace-receiver mcp`) and the receiver's `POST /mcp`.
///
/// A call never throws for bad arguments or an unreachable receiver: it answers a tool error result
/// (`isError: true`) whose text says what went wrong, so the agent can correct itself.
struct ObservationTools: Sendable {
    let source: any ObservationSource
    /// The current time in microseconds since the epoch (for `since` spans); replaceable in tests.
    var now: @Sendable () -> Int64 = { RecordTime.now() }

    /// The tools, as `tools/list` announces them.
    var tools: [Tool] { ToolCatalog.all }

    /// Runs the tool `name`. Throws ``MCPError/invalidParams(_:)`` only for a tool that does not exist.
    func call(_ name: String, arguments: [String: Value]?) async throws(MCPError) -> CallTool.Result {
        let arguments = ToolArguments(arguments)
        do {
            switch name {
            case ToolCatalog.observeName: return try await observe(arguments)
            case ToolCatalog.traceName: return try await trace(arguments)
            case ToolCatalog.recentRequestsName: return try await recentRequests(arguments)
            default:
                throw MCPError.invalidParams(
                    "unknown tool '\(name)'; available: \(ToolCatalog.all.map(\.name).joined(separator: ", "))"
                )
            }
        } catch let error as MCPError {
            throw error
        } catch let error as ToolArgumentError {
            return Self.failure("invalid arguments for \(name): \(error.description)")
        } catch let error as ObservationError {
            return Self.failure(error.description)
        } catch {
            return Self.failure("\(name) failed: \(error)")
        }
    }

    // MARK: observe

    func observe(_ arguments: ToolArguments) async throws -> CallTool.Result {
        try arguments.allowOnly(ToolCatalog.observeArguments)
        let what = try arguments.required("what", oneOf: ObserveKind.self)
        let requestID = try arguments.identifier("request_id")
        var query = try recordFilter(arguments)
        query.limit = try arguments.integer("limit", in: 1...ToolCatalog.observeMaximumLimit, default: ToolCatalog.observeDefaultLimit)
        let page: LogPage
        switch what {
        case .backendLogs:
            query.requestID = requestID
            page = try await searchMerged(query, sources: [.backend, .capture])
        case .frontendLogs:
            query.requestID = requestID
            query.source = .frontend
            page = try await source.search(query)
        case .errors:
            query.requestID = requestID
            // `level` may only raise the bar (to critical); errors are never below error.
            if (query.minimumLevel?.rank ?? 0) < Logger.Level.error.rank { query.minimumLevel = .error }
            page = try await source.search(query)
        case .timeline:
            if let requestID {
                page = try await timelinePage(requestID, query)
            } else {
                var newestFirst = try await source.search(query)
                newestFirst.records.reverse()
                page = newestFirst
            }
        }
        return Self.success(Self.observeAnswer(what, page))
    }

    /// The record filter `observe` and `recent_requests` share: `service`, `level` (minimum), `since`, and
    /// `text` with `fields` (its `@key=value` words and `fields` together at most
    /// ``FieldCondition/maximumConditions``).
    private func recordFilter(_ arguments: ToolArguments) throws -> LogQuery {
        let search = try arguments.searchText("text")
        let conditions = try arguments.fieldConditions("fields") + (search?.conditions ?? [])
        guard conditions.count <= FieldCondition.maximumConditions else {
            throw ToolArgumentError.wrongType("fields", expected: "at most \(FieldCondition.maximumConditions) conditions, with the @key=value words of 'text'")
        }
        return LogQuery(
            service: try arguments.string("service"),
            minimumLevel: try arguments.level("level"),
            since: try arguments.time("since", now: now()),
            text: search?.text,
            fieldConditions: conditions
        )
    }

    /// One search per source, merged newest first: what `backend-logs` needs, as a query has one source.
    private func searchMerged(_ query: LogQuery, sources: [RecordSource]) async throws -> LogPage {
        var records: [LogRecord] = []
        var totalCount = 0
        var oldest: Int64?
        for recordSource in sources {
            var sourceQuery = query
            sourceQuery.source = recordSource
            let page = try await source.search(sourceQuery)
            records += page.records
            totalCount += page.totalCount
            if let timestamp = page.oldestTimestamp { oldest = min(oldest ?? timestamp, timestamp) }
        }
        records.sort { LogRecord.chronological($1, $0) }
        return LogPage(records: Array(records.prefix(query.limit)), totalCount: totalCount, oldestTimestamp: oldest, nextCursor: nil)
    }

    /// A request's merged timeline, oldest first, narrowed by the query's service, level and since.
    private func timelinePage(_ id: String, _ query: LogQuery) async throws -> LogPage {
        guard let timeline = try await source.trace(id: id) else {
            return LogPage(records: [], totalCount: 0, oldestTimestamp: nil, nextCursor: nil)
        }
        // The query holds only service, level and since here (no ids, source or text).
        let matching = timeline.timeline.filter { query.matches($0, words: []) }
        return LogPage(
            records: Array(matching.prefix(query.limit)),
            totalCount: matching.count,
            oldestTimestamp: matching.first?.timestamp,
            nextCursor: nil
        )
    }

    /// `{"type","logs","totalCount","oldestTimestamp"}` (seed 001's observe answer).
    static func observeAnswer(_ what: ObserveKind, _ page: LogPage) -> String {
        var writer = JSONWriter(capacity: 128 + page.records.count * 400)
        writer.raw("{\"type\":")
        writer.string(what.rawValue)
        writer.byte(UInt8(ascii: ","))
        page.writeMembers(to: &writer)
        writer.byte(UInt8(ascii: "}"))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: trace

    func trace(_ arguments: ToolArguments) async throws -> CallTool.Result {
        try arguments.allowOnly(ToolCatalog.traceArguments)
        guard let id = try arguments.identifier("request_id") else { throw ToolArgumentError.missing("request_id") }
        guard let timeline = try await source.trace(id: id) else {
            return Self.failure(
                "no records for request or trace id \(id); use recent_requests or observe to find the ids the receiver holds"
            )
        }
        return Self.success(TraceTextRenderer.render(timeline))
    }

    // MARK: recent_requests

    func recentRequests(_ arguments: ToolArguments) async throws -> CallTool.Result {
        try arguments.allowOnly(ToolCatalog.recentRequestsArguments)
        let limit = try arguments.integer(
            "limit", in: 1...ToolCatalog.recentRequestsMaximumLimit, default: ToolCatalog.recentRequestsDefaultLimit
        )
        // The latest requests that match, as the web page lists them; then those needing attention first.
        let latest = try await source.requests(matching: try recordFilter(arguments), limit: RequestLister.maximumLimit)
        let requests = latest.sorted(by: RecentRequest.byAttention).prefix(limit)
        return Self.success(String(decoding: RecentRequest.listJSON(requests), as: UTF8.self))
    }

    /// A successful result with `text` as its one text content.
    static func success(_ text: String) -> CallTool.Result {
        .init(content: [.text(text: text, annotations: nil, _meta: nil)], isError: false)
    }

    /// A tool error result with `message` as its text.
    static func failure(_ message: String) -> CallTool.Result {
        .init(content: [.text(text: message, annotations: nil, _meta: nil)], isError: true)
    }
}
