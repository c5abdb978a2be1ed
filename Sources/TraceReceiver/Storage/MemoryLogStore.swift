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

    /// What the buffer keeps beside each record, for eviction: when it arrived and its accounted size.
    private struct Slot {
        let arrival: Int64
        let size: Int
    }

    private struct State {
        var records = CircularBuffer<LogRecord>()
        var slots = CircularBuffer<Slot>()
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

    public func append(_ records: [LogRecord]) async throws {
        let now = MonotonicClock.microseconds()
        // Sized outside the lock; each record is copied once, into the buffer, with its id.
        let sizes = records.map(\.approximateSize)
        state.withLock { state in
            for (record, size) in zip(records, sizes) {
                var stored = record
                stored.id = state.nextID
                state.nextID += 1
                if let requestID = stored.requestID { state.byRequest[requestID, default: IDList()].append(stored.id) }
                if let traceID = stored.traceID { state.byTrace[traceID, default: IDList()].append(stored.id) }
                state.records.append(stored)
                state.slots.append(Slot(arrival: now, size: size))
                state.bytes += size
                evict(&state, now: now)
            }
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
        while let slot = state.slots.first, state.bytes > limits.maximumBytes || slot.arrival < oldestAllowed {
            let first = state.records.removeFirst()
            state.slots.removeFirst()
            state.bytes -= slot.size
            state.evicted += 1
            if let requestID = first.requestID { Self.removeOldest(first.id, for: requestID, from: &state.byRequest) }
            if let traceID = first.traceID { Self.removeOldest(first.id, for: traceID, from: &state.byTrace) }
        }
    }

    /// Removes `id` from `key`'s list in place (one hash lookup), dropping the key when its list empties.
    private static func removeOldest(_ id: Int64, for key: String, from index: inout [String: IDList]) {
        guard let position = index.index(forKey: key) else { return }
        index.values[position].remove(id)
        if index.values[position].isEmpty { index.remove(at: position) }
    }
}

extension LogRecord {
    /// Oldest first; arrival order breaks ties.
    static func chronological(_ lhs: LogRecord, _ rhs: LogRecord) -> Bool {
        (lhs.timestamp, lhs.id) < (rhs.timestamp, rhs.id)
    }
}
