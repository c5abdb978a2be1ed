/// Finds the requests behind `GET /api/requests` (the web page's list): the latest requests with a
/// record matching a filter, newest first, each summarised from its hops' completion records.
///
/// Two indexed reads, whatever the store's size: the newest matching records (only hop completions
/// when the filter names no level, source, text or field, so a busy request's many lines don't crowd others
/// out), then the completions of the request ids found there.
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
        var order: [String] = []
        var matched: [String: [LogRecord]] = [:]
        for record in try await store.search(scan).records {
            guard let id = record.requestID else { continue }
            if matched[id] == nil {
                guard order.count < limit else { continue }
                order.append(id)
            }
            matched[id, default: []].append(record)
        }
        guard !order.isEmpty else { return [] }

        var hops = LogQuery(events: RecentRequest.completionEvents, limit: order.count * Self.maximumHopsPerRequest)
        hops.requestIDs = Set(order)
        hops.countsAllMatches = false
        var finished: [String: RecentRequest] = [:]
        for request in RecentRequest.group(try await store.search(hops).records) {
            if let id = request.requestID { finished[id] = request }
        }
        return order.map { id in finished[id] ?? RecentRequest(requestID: id, records: matched[id]!) }
    }
}
