import Foundation
/// Builds a ``TraceTimeline`` for a request id or trace id from a store.
///
/// Records are gathered by id, then widened once through the trace ids and request ids they carry
/// (so a downstream hop that only shares the trace id is included). Browser reports carrying neither
/// id are matched to a backend `request_completed`/`request_failed` record with the same path (and
/// method, when the report has one) that ended within ``window`` of the report, and marked inferred.
struct TraceAssembler: Sendable {
    let store: any LogStore
    /// Largest distance between a browser report and a matched backend request, microseconds.
    let window: Int64
    /// Most records in one timeline (browser reports matched by path aside).
    var limit = Self.defaultLimit

    /// ``limit`` unless told otherwise.
    static let defaultLimit = 10_000

    func assemble(id: String) async throws -> TraceTimeline? {
        var ids: Set<String> = [id]
        var (records, truncated) = try await gather(ids)
        guard !records.isEmpty else { return nil }
        let widened = ids.union(records.compactMap(\.traceID)).union(records.compactMap(\.requestID))
        if widened.count > ids.count {
            ids = widened
            (records, truncated) = try await gather(ids)
        }
        records += try await inferredFrontendRecords(for: records)
        records.sort(by: LogRecord.chronological)
        var timeline = Self.summarise(records, id: id)
        timeline.truncated = truncated
        return timeline
    }

    /// The records carrying one of `ids`: all of them when there are at most ``limit``. Otherwise the
    /// trace's landmarks (records at warning level or above, and those closing a span, so its errors,
    /// hops and spans are all there), up to half the limit, with the oldest and the newest records filling
    /// the rest: its beginning and its end, where a request's outcome is.
    private func gather(_ ids: Set<String>) async throws -> (records: [LogRecord], truncated: Bool) {
        let oldest = try await store.records(correlatedWith: ids, selection: .oldest, limit: limit + 1)
        guard oldest.count > limit else { return (oldest, false) }
        let landmarks = try await store.records(correlatedWith: ids, selection: .landmarks, limit: limit / 2)
        let newest = try await store.records(correlatedWith: ids, selection: .newest, limit: (limit - landmarks.count) / 2)
        var records: [LogRecord] = []
        var seen: Set<Int64> = []
        for record in landmarks + newest + oldest where seen.insert(record.id).inserted {
            guard records.count < limit else { break }
            records.append(record)
        }
        records.sort(by: LogRecord.chronological)
        return (records, true)
    }

    private func inferredFrontendRecords(for records: [LogRecord]) async throws -> [LogRecord] {
        let requests = records.filter { $0.event == "request_completed" || $0.event == "request_failed" }
        guard let earliest = requests.map(\.timestamp).min(), let latest = requests.map(\.timestamp).max() else { return [] }
        let candidates = try await store.uncorrelatedFrontendRecords(in: (earliest - window)...(latest + window), limit: 1000)
        var matched: [LogRecord] = []
        for var candidate in candidates {
            guard let path = Self.path(of: candidate) else { continue }
            let method = candidate.field("method") ?? candidate.field("context", "method")
            let hit = requests.contains { request in
                request.field("path") == path && (method == nil || request.field("method")?.uppercased() == method?.uppercased())
                    && abs(request.timestamp - candidate.timestamp) <= window
            }
            if hit {
                candidate.inferred = true
                matched.append(candidate)
            }
        }
        return matched
    }

    /// A browser report's request path: `path`, or the path of `url`, at top level or under `context`.
    static func path(of record: LogRecord) -> String? {
        if let path = record.field("path") ?? record.field("context", "path") { return path }
        guard let url = record.field("url") ?? record.field("context", "url") else { return nil }
        let path = URLPath.of(Substring(url))
        return path.isEmpty ? nil : String(path)
    }

    /// The timeline, span tree and totals of `records` (oldest first, non-empty) for the request or trace `id`.
    static func summarise(_ records: [LogRecord], id: String) -> TraceTimeline {
        let start = records.map { $0.timestamp - Int64(($0.durationMS ?? 0) * 1000) }.min() ?? records[0].timestamp
        let end = records.map(\.timestamp).max() ?? start
        let spans = Self.spans(records)
        let services = Self.servicesInOrderOfStart(records, spans: spans)
        let hops = services.map { service in
            let durations = spans.filter { $0.service == service && $0.parentSpanIsRemote(in: spans) }.compactMap(\.durationMS)
            return TraceTimeline.Hop(service: service, durationMS: durations.isEmpty ? nil : durations.reduce(0, +))
        }
        return TraceTimeline(
            requestID: records.contains { $0.requestID == id } ? id : records.lazy.compactMap(\.requestID).first,
            traceID: records.contains { $0.traceID == id } ? id : records.lazy.compactMap(\.traceID).first,
            services: services,
            hops: hops,
            startedAt: start,
            durationMS: Double(end - start) / 1000,
            errorCount: records.filter { $0.level.rank >= 5 }.count,
            timeline: records,
            spans: spans
        )
    }

    /// The services of `records` in the order their work began: a service's earliest span start, or its
    /// first record when it has no span. A span's records are written when it ends, so a caller's first
    /// record comes after its callee's, and first-record order would list the checkout's `inventory`
    /// before the `gateway` that called it. Ties keep first-record order.
    static func servicesInOrderOfStart(_ records: [LogRecord], spans: [TraceTimeline.Span]) -> [String] {
        var services: [String] = []
        var began: [String: Int64] = [:]
        for record in records where began[record.service] == nil {
            services.append(record.service)
            began[record.service] = record.timestamp
        }
        for span in spans {
            began[span.service] = min(began[span.service] ?? span.start, span.start)
        }
        return services.enumerated()
            .sorted { (began[$0.element]!, $0.offset) < (began[$1.element]!, $1.offset) }
            .map(\.element)
    }

    /// One span per span id, in order of start (the longer first when two start together). A span's name and duration come from its closing record
    /// (`request_completed`/`request_failed` → `METHOD path`; an OTLP span's `span_completed`/`span_failed`
    /// → its message, the span's name; `<name>_completed`/`<name>_failed` → `<name>`); its status is
    /// `error` when it failed or logged at error level or above.
    static func spans(_ records: [LogRecord]) -> [TraceTimeline.Span] {
        var order: [String] = []
        var grouped: [String: [LogRecord]] = [:]
        for record in records {
            guard let spanID = record.spanID else { continue }
            if grouped[spanID] == nil { order.append(spanID) }
            grouped[spanID, default: []].append(record)
        }
        let spans = order.map { spanID -> TraceTimeline.Span in
            let members = grouped[spanID]!
            let closing = members.last { $0.event.map { $0.hasSuffix("_completed") || $0.hasSuffix("_failed") } ?? false }
            let failed = members.contains { $0.level.rank >= 5 || ($0.event?.hasSuffix("_failed") ?? false) }
            var name = members[0].event ?? members[0].message
            if let closing, let event = closing.event {
                if event == "request_completed" || event == "request_failed" {
                    name = [closing.field("method"), closing.field("path")].compactMap { $0 }.joined(separator: " ")
                    if name.isEmpty { name = event }
                } else if event == OTLPSpan.completedEvent || event == OTLPSpan.failedEvent {
                    name = closing.message
                } else {
                    name = String(event.prefix(upTo: event.lastIndex(of: "_")!))
                }
            }
            let earliest = members.map(\.timestamp).min()!
            let start = closing.map { $0.timestamp - Int64(($0.durationMS ?? 0) * 1000) }.map { min($0, earliest) } ?? earliest
            return TraceTimeline.Span(
                spanID: spanID,
                parentSpanID: members.lazy.compactMap(\.parentSpanID).first,
                service: members[0].service,
                name: name,
                start: start,
                durationMS: closing?.durationMS,
                status: failed ? "error" : "ok"
            )
        }
        // Of spans that start together, the longer first: a parent before the child it starts at once.
        return spans.sorted { ($0.start, -($0.durationMS ?? 0)) < ($1.start, -($1.durationMS ?? 0)) }
    }
}

extension TraceTimeline.Span {
    /// Whether this span is the entry of its service: its parent is absent or belongs to another service.
    func parentSpanIsRemote(in spans: [TraceTimeline.Span]) -> Bool {
        guard let parentSpanID, let parent = spans.first(where: { $0.spanID == parentSpanID }) else { return true }
        return parent.service != service
    }
}
