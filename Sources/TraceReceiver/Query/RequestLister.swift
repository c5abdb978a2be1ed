/// Finds the requests behind `GET /api/requests` (the web page's list): the latest requests with a
/// record matching a filter, newest first, each summarised from its hops' completion records.
///
/// Three or four indexed reads, whatever the store's size: the newest matching records (only hop completions
/// when the filter names no level, source, text or field, so a busy request's many lines don't crowd others
/// out), then the completions of the request ids and of the trace ids found there (and, for a request
/// whose completions name no method or path, its ``RecentRequest/startEvent`` records). ``RequestKeys``
/// tells which request a record belongs to; a completion with neither id (an access log line) is a request
/// of its own.
struct RequestLister: Sendable {
    /// Most requests one call returns.
    static let maximumLimit = 500
    /// Default number of requests.
    static let defaultLimit = 50
    /// Matching records read per requested request, to find `limit` distinct requests.
    static let recordsReadPerRequest = 40
    /// Most matching records read to find the requests.
    static let maximumRecordsRead = 10_000
    /// Most completion records read per request (one per hop; retries and fan-out add more).
    static let maximumHopsPerRequest = 64

    let store: any LogStore

    /// Up to `limit` requests with a record matching `filter` (its `limit` and `cursor` are ignored),
    /// newest match first.
    func requests(matching filter: LogQuery, limit: Int) async throws -> [RecentRequest] {
        var scan = filter
        scan.cursor = nil
        scan.countsAllMatches = false
        scan.limit = min(Self.maximumRecordsRead, limit * Self.recordsReadPerRequest)
        // A filter that could match any line of a request (a level, a source, words, a field) reads all lines.
        if scan.source == nil, scan.minimumLevel == nil, scan.words.isEmpty, scan.fieldConditions.isEmpty, scan.events == nil {
            scan.events = RecentRequest.completionEvents
        }
        let scanned = try await store.search(scan).records
        var keys = RequestKeys(learningFrom: scanned)
        var order: [String] = []
        var matched: [String: [LogRecord]] = [:]
        for record in scanned {
            // A line with neither id is a request only when it says one finished (an access log's line).
            let isCompletion = record.event.map(RecentRequest.completionEvents.contains) ?? false
            guard let key = keys.key(of: record) ?? (isCompletion ? RequestKeys.ownKey(of: record) : nil) else { continue }
            if matched[key] == nil {
                guard order.count < limit else { continue }
                order.append(key)
            }
            matched[key, default: []].append(record)
        }
        guard !order.isEmpty else { return [] }

        // The hops: completions under the listed request ids, and under the traces of the records found
        // (the hops of a service that sends no request id, and the requests known by trace id alone).
        var listed = Set(order)
        var hops = LogQuery(events: RecentRequest.completionEvents, limit: order.count * Self.maximumHopsPerRequest)
        hops.countsAllMatches = false
        var byRequest = hops
        byRequest.requestIDs = listed
        var completions = try await store.search(byRequest).records
        let traces = Set(matched.values.joined().lazy.compactMap(\.traceID))
        if !traces.isEmpty {
            var byTrace = hops
            byTrace.traceIDs = traces
            let seen = Set(completions.lazy.map(\.id))
            completions += try await store.search(byTrace).records.filter { !seen.contains($0.id) }
        }
        // A hop seen alone (a filter that matched only it) may turn out to belong to a listed request's trace.
        keys.learn(completions)
        var current: [String] = []
        var records: [String: [LogRecord]] = [:]
        for key in order {
            let owner = keys.current(key)
            if records[owner] == nil { current.append(owner) }
            records[owner, default: []] += matched[key]!
        }
        (order, matched, listed) = (current, records, Set(current))
        var finished: [String: RecentRequest] = [:]
        for (key, request) in RecentRequest.grouped(completions, by: keys) where listed.contains(key) {
            finished[key] = request
        }
        for key in order where RequestKeys.isOwnKey(key) { finished[key] = RecentRequest(hops: matched[key]!) }
        // Programs that name the method and path when a request starts, not when it ends (Rails).
        let unnamed = Set(finished.filter { !RequestKeys.isOwnKey($0.key) && ($0.value.method == nil || $0.value.path == nil) }.keys)
        if !unnamed.isEmpty {
            var starts = LogQuery(events: [RecentRequest.startEvent], limit: unnamed.count * Self.maximumHopsPerRequest)
            starts.requestIDs = unnamed
            starts.countsAllMatches = false
            let byRequest = Dictionary(grouping: try await store.search(starts).records) { $0.requestID ?? "" }
            for key in unnamed { finished[key]?.complete(from: byRequest[key] ?? []) }
        }
        return order.map { key in finished[key] ?? RecentRequest(records: matched[key]!) }
    }
}
