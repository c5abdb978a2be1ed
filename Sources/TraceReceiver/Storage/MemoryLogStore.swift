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

    /// What the buffer keeps beside each record for eviction, so evicting never reads the record: when it
    /// arrived and its accounted size.
    private struct Slot {
        let arrival: Int64
        let size: Int
    }

    private struct State {
        var records = RecordChunks()
        var slots = CircularBuffer<Slot>()
        var byRequest = IDIndex()
        var byTrace = IDIndex()
        /// Ids of the browser reports that carry neither a request id nor a trace id, oldest first: the
        /// few records a trace matches by path and time (see ``uncorrelatedFrontendRecords(in:limit:)``),
        /// so that a trace does not read the whole buffer to find them.
        var unlinkedFrontend = CircularBuffer<Int64>()
        /// The records' bytes: each one's places in the buffers and its ``LogRecord/approximateSize``.
        var bytes = 0
        /// The bytes of records evicted but not yet freed (see ``RecordChunks``): still held.
        var evictedUnfreedBytes = 0
        var nextID: Int64 = 1
        var evicted = 0

        /// Bytes held: the records' own (evicted ones until they are freed), plus the places allocated and
        /// not in use (the chunks' unfilled places; the slots' buffer grows by doubling and never shrinks).
        var heldBytes: Int {
            bytes + evictedUnfreedBytes + records.unfilledPlaces * Self.recordPlaceSize
                + (slots.capacity - slots.count) * Self.slotPlaceSize
        }

        /// What one place in the record chunks takes, used or not.
        static let recordPlaceSize = MemoryLayout<LogRecord>.stride
        /// What one place in the slots' buffer takes, used or not.
        static let slotPlaceSize = MemoryLayout<Slot?>.stride

        /// Id of the oldest record held (ids are consecutive, and records leave only from the front).
        var firstID: Int64 { nextID - Int64(records.count) }

        func record(id: Int64) -> LogRecord? {
            let offset = Int(id - firstID)
            guard offset >= 0, offset < records.count else { return nil }
            return records[offset]
        }

        /// Offers `page` the records of each of `keys` in `index` (whose id at `keyPath` is the key: keys
        /// may collide in the index) that match `query`.
        func offer(
            records keys: Set<String>, in index: IDIndex, by keyPath: KeyPath<LogRecord, String?>, matching query: LogQuery,
            words: [[UInt8]], to page: inout PageCollector
        ) {
            for key in keys {
                for id in index.ids(for: key, from: firstID) {
                    if let record = record(id: id), record[keyPath: keyPath] == key, query.matches(record, words: words) {
                        page.offer(record)
                    }
                }
            }
        }
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public func append(_ records: consuming [LogRecord]) async throws {
        // A consuming parameter is the callee's own and mutable: records are moved out of it below.
        let now = MonotonicClock.microseconds()
        // Sized and keyed outside the lock (a key of 0: no such id). Indexed rather than `records.map`,
        // which copies (retains, then releases) every field of each record.
        var prepared: [(size: Int, requestKey: UInt64, traceKey: UInt64)] = []
        prepared.reserveCapacity(records.count)
        for index in records.indices {
            prepared.append((
                size: State.recordPlaceSize + State.slotPlaceSize + records[index].approximateSize,
                requestKey: IDIndex.key(records[index].requestID),
                traceKey: IDIndex.key(records[index].traceID)
            ))
        }
        state.withLock { state in
            for (index, (size, requestKey, traceKey)) in zip(records.indices, prepared) {
                // Moved, not copied, into the buffer: the array is ours, and an empty record (no string
                // storage) takes each one's place.
                var stored = LogRecord.vacated
                swap(&stored, &records[index])
                stored.id = state.nextID
                state.nextID += 1
                if requestKey != 0 { state.byRequest.append(stored.id, key: requestKey) }
                if traceKey != 0 { state.byTrace.append(stored.id, key: traceKey) }
                if requestKey == 0, traceKey == 0, stored.source == .frontend { state.unlinkedFrontend.append(stored.id) }
                state.records.append(consume stored)
                state.slots.append(Slot(arrival: now, size: size))
                state.bytes += size
                evict(&state, now: now)
            }
        }
    }

    public func search(_ query: LogQuery) async throws -> LogPage {
        let words = query.wordBytes
        return state.withLock { state in
            var page = PageCollector(limit: query.limit, cursor: query.cursor, countsAll: query.countsAllMatches)
            if let id = query.requestID ?? query.traceID {
                // matches(_:words:) checks the record's own id, so records of a colliding id are skipped.
                let index = query.requestID != nil ? state.byRequest : state.byTrace
                let ids = index.ids(for: id, from: state.firstID)
                for id in ids.reversed() {
                    if let record = state.record(id: id), query.matches(record, words: words) { page.offer(record) }
                }
            } else if let requestIDs = query.requestIDs {
                state.offer(records: requestIDs, in: state.byRequest, by: \.requestID, matching: query, words: words, to: &page)
            } else if let traceIDs = query.traceIDs {
                state.offer(records: traceIDs, in: state.byTrace, by: \.traceID, matching: query, words: words, to: &page)
            } else {
                // Chunks whose timestamps are all outside the query's time, or that the page can do without,
                // are passed over: records arrive in about timestamp order, so a page of the newest
                // records that need not be counted reads little more than its own records.
                let skipping = { (timestamps: ClosedRange<Int64>) in
                    (query.since.map { timestamps.upperBound < $0 } ?? false) || (query.until.map { timestamps.lowerBound > $0 } ?? false)
                        || page.passesOver(timestamps)
                }
                state.records.forEach(in: 0..<state.records.count, newestFirst: true, skipping: skipping) { record in
                    if query.matches(record, words: words) { page.offer(record) }
                    return true
                }
            }
            return page.finish()
        }
    }

    public func arrivals(matching query: LogQuery, after position: Int64?) async throws -> LogArrivals {
        let words = query.wordBytes
        let limit = max(1, query.limit)
        return state.withLock { state in
            let newest = state.nextID - 1
            var found: [LogRecord] = []
            guard let position else {
                state.records.forEach(in: 0..<state.records.count, newestFirst: true) { record in
                    if query.matches(record, words: words) { found.append(record.pointee) }
                    return found.count < limit
                }
                return LogArrivals(records: found.reversed(), position: newest)
            }
            // Ids are consecutive, so the first record after `position` is found by arithmetic: those
            // evicted since are gone, and the walk starts at the oldest held. A position past the newest
            // record is from before a restart (ids start again): everything held is new to the follower.
            let after = position > newest ? 0 : position
            let skipped = Int(max(0, min(after + 1 - state.firstID, Int64(state.records.count))))
            let missed = Int(max(0, state.firstID - 1 - after))
            state.records.forEach(in: skipped..<state.records.count) { record in
                if query.matches(record, words: words) { found.append(record.pointee) }
                return found.count < limit
            }
            // A full page ends at its last record: the records after it are the next call's.
            return LogArrivals(records: found, position: found.count == limit ? found[found.count - 1].id : newest, missed: missed)
        }
    }

    public func records(correlatedWith ids: Set<String>, selection: CorrelatedSelection, limit: Int) async throws -> [LogRecord] {
        state.withLock { state in
            var found: Set<Int64> = []
            for id in ids {
                found.formUnion(state.byRequest.ids(for: id, from: state.firstID))
                found.formUnion(state.byTrace.ids(for: id, from: state.firstID))
            }
            // The index is by hash: keep only records that really carry one of the ids.
            let records = found.compactMap { state.record(id: $0) }.filter { record in
                (record.requestID.map(ids.contains) == true || record.traceID.map(ids.contains) == true)
                    && (selection != .landmarks || record.isLandmark)
            }.sorted(by: LogRecord.chronological)
            return Array(selection == .newest ? records.suffix(limit) : records.prefix(limit))
        }
    }

    public func uncorrelatedFrontendRecords(in range: ClosedRange<Int64>, limit: Int) async throws -> [LogRecord] {
        state.withLock { state in
            let matches = state.unlinkedFrontend.compactMap { id in
                state.record(id: id).flatMap { range.contains($0.timestamp) ? $0 : nil }
            }
            return Array(matches.sorted(by: LogRecord.chronological).prefix(limit))
        }
    }

    public func recentDedupKeys(limit: Int) async throws -> [UInt64] {
        state.withLock { state in
            let count = state.records.count
            return (max(0, count - limit)..<count).reversed().map { state.records[$0].dedupKey }
        }
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
        state.withLock { StoreStatistics(records: $0.records.count, bytes: $0.heldBytes, evicted: $0.evicted) }
    }

    public func close() async throws {
        state.withLock { $0 = State() }
    }

    /// Evicts from the oldest end while the buffer is over its byte cap or holds expired records. Evicted
    /// records are freed a chunk at a time (``RecordChunks``), so the cap evicts up to a chunk's worth at once.
    private func evict(_ state: inout State, now: Int64) {
        let oldestAllowed = now - limits.maximumAge.microseconds
        while let slot = state.slots.first, state.heldBytes > limits.maximumBytes || slot.arrival < oldestAllowed {
            state.slots.removeFirst(1)
            state.bytes -= slot.size
            state.evictedUnfreedBytes += slot.size
            if state.records.removeFirst() { state.evictedUnfreedBytes = 0 }
            state.evicted += 1
        }
        // A comparison when no segment has emptied.
        state.byRequest.forget(before: state.firstID)
        state.byTrace.forget(before: state.firstID)
        while let oldest = state.unlinkedFrontend.first, oldest < state.firstID { state.unlinkedFrontend.removeFirst() }
    }
}

extension LogRecord {
    /// Oldest first; arrival order breaks ties.
    static func chronological(_ lhs: LogRecord, _ rhs: LogRecord) -> Bool {
        (lhs.timestamp, lhs.id) < (rhs.timestamp, rhs.id)
    }
}
