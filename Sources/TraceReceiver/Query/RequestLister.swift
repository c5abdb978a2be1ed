/// Finds the requests behind `GET /api/requests` (the web page's list): the latest requests with a
/// record matching a filter, newest first, each summarised from its hops' completion records.
///
/// Three or four indexed reads, whatever the store's size: the newest matching records (only hop starts and
/// completions when the filter names no level, source, text or field, so a busy request's many lines don't
/// crowd others out, and a request whose program says only that it started, as Vapor's and Hummingbird's
/// own request logs do, is listed, as running), then the completions of the request ids and of the trace
/// ids found there (and, for a request whose completions name no method or path, its
/// ``RecentRequest/startEvent`` records). ``RequestKeys``
/// tells which request a record belongs to; a completion with neither id (an access log line) is a request
/// of its own.
struct RequestLister: Sendable {
    /// Most requests one call returns.
    static let maximumLimit = 500
    /// Default number of requests.
    static let defaultLimit = 50
    /// Matching records read per requested request, to find `limit` distinct requests.
    static let recordsReadPerRequest = 40
    /// Records read per requested request at first when only hops' starts and completions match: one or
    /// two per service a request passed. More are read, a page at a time, while too few requests are found.
    static let hopRecordsReadPerRequest = 4
    /// Most matching records read to find the requests.
    static let maximumRecordsRead = 10_000
    /// Most completion records read per request (one per hop; retries and fan-out add more).
    static let maximumHopsPerRequest = 64

    let store: any LogStore

    /// Most trace ids whose completions are read per listed request (a request id reused across traces,
    /// by a client retrying with it, has several).
    static let maximumTracesPerRequest = 4

    /// The requests found by the first read: their keys, newest match first, and the records that matched.
    private struct Found {
        var order: [String] = []
        var matched: [String: [LogRecord]] = [:]
    }

    /// Up to `limit` requests with a record matching `filter` (its `limit` and `cursor` are ignored),
    /// newest match first.
    func requests(matching filter: LogQuery, limit: Int) async throws -> [RecentRequest] {
        var keys = RequestKeys()
        var found = try await matching(filter, limit: limit, keys: &keys)
        guard !found.order.isEmpty else { return [] }
        let completions = try await completions(of: found)
        // A hop seen alone (a filter that matched only it) may turn out to belong to a listed request's trace.
        keys.learn(completions)
        found = Self.rekeyed(found, by: keys)
        let listed = Set(found.order)
        var finished: [String: RecentRequest] = [:]
        for (key, request) in RecentRequest.grouped(completions, by: keys) where listed.contains(key) {
            finished[key] = request
        }
        for key in found.order where RequestKeys.isOwnKey(key) { finished[key] = RecentRequest(hops: found.matched[key]!) }
        try await name(&finished)
        return found.order.map { key in finished[key] ?? RecentRequest(records: found.matched[key]!) }
    }

    /// The newest records matching `filter`, by request (at most `limit` requests); `keys` learns from them.
    private func matching(_ filter: LogQuery, limit: Int, keys: inout RequestKeys) async throws -> Found {
        var scan = filter
        scan.cursor = nil
        scan.countsAllMatches = false
        let budget = min(Self.maximumRecordsRead, limit * Self.recordsReadPerRequest)
        // A filter that could match any line of a request (a level, a source, words, a field) reads all lines.
        if scan.source == nil, scan.minimumLevel == nil, scan.words.isEmpty, scan.fieldConditions.isEmpty, scan.events == nil {
            scan.events = RecentRequest.hopEvents
        }
        let onlyHops = scan.events.map { $0.isSubset(of: RecentRequest.hopEvents) } ?? false
        scan.limit = onlyHops ? min(budget, limit * Self.hopRecordsReadPerRequest) : budget
        var found = Found()
        var read = 0
        while true {
            let page = try await store.search(scan)
            keys.learn(page.records)
            for record in page.records {
                // A line with neither id is a request only when it says one finished (an access log's line).
                let isCompletion = record.event.map(RecentRequest.completionEvents.contains) ?? false
                guard let key = keys.key(of: record) ?? (isCompletion ? RequestKeys.ownKey(of: record) : nil) else { continue }
                if found.matched[key] == nil {
                    guard found.order.count < limit else { continue }
                    found.order.append(key)
                }
                found.matched[key, default: []].append(record)
            }
            read += page.records.count
            guard found.order.count < limit, let next = page.nextCursor, read < budget else { return found }
            scan.cursor = next
            scan.limit = min(budget - read, scan.limit * 4)
        }
    }

    /// The hops of the requests found: completions under their request ids, and under the traces of their
    /// records (the hops of a service that sends no request id, and the requests known by trace id alone).
    private func completions(of found: Found) async throws -> [LogRecord] {
        var hops = LogQuery(events: RecentRequest.completionEvents, limit: found.order.count * Self.maximumHopsPerRequest)
        hops.countsAllMatches = false
        var byRequest = hops
        byRequest.requestIDs = Set(found.order)
        var completions = try await store.search(byRequest).records
        var traces: Set<String> = []
        for key in found.order {
            for traceID in found.matched[key]!.lazy.compactMap(\.traceID) where traces.count < (found.order.count * Self.maximumTracesPerRequest) {
                traces.insert(traceID)
            }
        }
        if !traces.isEmpty {
            var byTrace = hops
            byTrace.traceIDs = traces
            let seen = Set(completions.lazy.map(\.id))
            completions += try await store.search(byTrace).records.filter { !seen.contains($0.id) }
        }
        return completions
    }

    /// `found` with each key that is a trace id since learnt to carry a request id replaced by that id
    /// (merged with it when that request was found too).
    private static func rekeyed(_ found: Found, by keys: RequestKeys) -> Found {
        var rekeyed = Found()
        for key in found.order {
            let owner = keys.current(key)
            if rekeyed.matched[owner] == nil { rekeyed.order.append(owner) }
            rekeyed.matched[owner, default: []] += found.matched[key]!
        }
        return rekeyed
    }

    /// Fills in the method and path of requests whose completions name neither from their
    /// ``RecentRequest/startEvent`` records: programs that name them when a request starts (Rails).
    private func name(_ finished: inout [String: RecentRequest]) async throws {
        let unnamed = Set(finished.filter { !RequestKeys.isOwnKey($0.key) && ($0.value.method == nil || $0.value.path == nil) }.keys)
        guard !unnamed.isEmpty else { return }
        var starts = LogQuery(events: [RecentRequest.startEvent], limit: unnamed.count * Self.maximumHopsPerRequest)
        starts.requestIDs = unnamed
        starts.countsAllMatches = false
        let byRequest = Dictionary(grouping: try await store.search(starts).records) { $0.requestID ?? "" }
        for key in unnamed { finished[key]?.complete(from: byRequest[key] ?? []) }
    }
}
