import NIOCore
import Synchronization

/// The hot buffer: records in memory, bounded by age (by arrival) and by an approximate byte size,
/// oldest evicted first and counted. Lookups by request id and trace id are indexed; other searches
/// scan newest to oldest.
public final class MemoryLogStore: LogStore {
    /// Limits of the buffer.
    public struct Limits: Sendable {
        /// Records older than this (by arrival) are evicted.
        public var maximumAge: Duration
        /// The approximate bytes held never exceed this.
        public var maximumBytes: Int

        public init(maximumAge: Duration = .seconds(3600), maximumBytes: Int = 256 * 1024 * 1024) {
            self.maximumAge = maximumAge
            self.maximumBytes = maximumBytes
        }
    }

    private struct State {
        var records = CircularBuffer<LogRecord>()
        var arrivals = CircularBuffer<Int64>()
        var byRequest: [String: IDList] = [:]
        var byTrace: [String: IDList] = [:]
        var bytes = 0
        var nextID: Int64 = 1
        var evicted = 0

        /// Id of the oldest record held.
        var firstID: Int64 { records.first?.id ?? nextID }

        func record(id: Int64) -> LogRecord? {
            let offset = Int(id - firstID)
            guard offset >= 0, offset < records.count else { return nil }
            return records[records.index(records.startIndex, offsetBy: offset)]
        }
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    @discardableResult
    public func append(_ records: [LogRecord]) async throws -> [LogRecord] {
        let now = MonotonicClock.microseconds()
        return state.withLock { state in
            var stored = records
            for index in stored.indices {
                stored[index].id = state.nextID
                state.nextID += 1
                let record = stored[index]
                state.records.append(record)
                state.arrivals.append(now)
                state.bytes += record.approximateSize
                if let requestID = record.requestID { state.byRequest[requestID, default: IDList()].append(record.id) }
                if let traceID = record.traceID { state.byTrace[traceID, default: IDList()].append(record.id) }
                evict(&state, now: now)
            }
            return stored
        }
    }

    public func search(_ query: LogQuery) async throws -> LogPage {
        let words = query.wordBytes
        return state.withLock { state in
            var page = PageCollector(limit: query.limit, cursor: query.cursor)
            if let id = query.requestID ?? query.traceID {
                let ids = (query.requestID != nil ? state.byRequest[id] : state.byTrace[id])?.ids ?? []
                for id in ids.reversed() {
                    if let record = state.record(id: id), query.matches(record, words: words) { page.offer(record) }
                }
            } else if let requestIDs = query.requestIDs {
                for requestID in requestIDs {
                    for id in state.byRequest[requestID]?.ids ?? [] {
                        if let record = state.record(id: id), query.matches(record, words: words) { page.offer(record) }
                    }
                }
            } else {
                for record in state.records.reversed() where query.matches(record, words: words) {
                    page.offer(record)
                }
            }
            return page.finish()
        }
    }

    public func records(correlatedWith ids: Set<String>, limit: Int) async throws -> [LogRecord] {
        state.withLock { state in
            var found: Set<Int64> = []
            for id in ids {
                found.formUnion(state.byRequest[id]?.ids ?? [])
                found.formUnion(state.byTrace[id]?.ids ?? [])
            }
            let records = found.compactMap { state.record(id: $0) }
            return Array(records.sorted(by: LogRecord.chronological).prefix(limit))
        }
    }

    public func uncorrelatedFrontendRecords(in range: ClosedRange<Int64>, limit: Int) async throws -> [LogRecord] {
        state.withLock { state in
            let matches = state.records.filter {
                $0.source == .frontend && $0.requestID == nil && $0.traceID == nil && range.contains($0.timestamp)
            }
            return Array(matches.sorted(by: LogRecord.chronological).prefix(limit))
        }
    }

    public func recentDedupKeys(limit: Int) async throws -> [UInt64] {
        state.withLock { state in state.records.reversed().prefix(limit).map(\.dedupKey) }
    }

    public func enforceRetention(now: Int64) async throws -> Int {
        let monotonicNow = MonotonicClock.microseconds()
        return state.withLock { state in
            let before = state.evicted
            evict(&state, now: monotonicNow)
            return state.evicted - before
        }
    }

    public func statistics() async throws -> StoreStatistics {
        state.withLock { StoreStatistics(records: $0.records.count, bytes: $0.bytes, evicted: $0.evicted) }
    }

    public func close() async throws {
        state.withLock { $0 = State() }
    }

    /// Evicts from the oldest end while the buffer is over its byte cap or holds expired records.
    private func evict(_ state: inout State, now: Int64) {
        let oldestAllowed = now - limits.maximumAge.microseconds
        while let first = state.records.first,
            state.bytes > limits.maximumBytes || state.arrivals.first! < oldestAllowed
        {
            state.records.removeFirst()
            state.arrivals.removeFirst()
            state.bytes -= first.approximateSize
            state.evicted += 1
            if let requestID = first.requestID { Self.removeOldest(first.id, for: requestID, from: &state.byRequest) }
            if let traceID = first.traceID { Self.removeOldest(first.id, for: traceID, from: &state.byTrace) }
        }
    }

    private static func removeOldest(_ id: Int64, for key: String, from index: inout [String: IDList]) {
        guard var ids = index.removeValue(forKey: key) else { return }
        ids.remove(id)
        if !ids.isEmpty { index[key] = ids }
    }
}

extension LogRecord {
    /// Oldest first; arrival order breaks ties.
    static func chronological(_ lhs: LogRecord, _ rhs: LogRecord) -> Bool {
        (lhs.timestamp, lhs.id) < (rhs.timestamp, rhs.id)
    }
}
