import Testing

@testable import TraceReceiver

/// Both stores page through matches newest first by timestamp, whatever order the records arrived in,
/// whether or not the page counts every match.
@Suite("Store pages, newest first")
struct StorePagingTests {
    /// 2,000 records arriving about in timestamp order, but not quite: every 97th is a late arrival
    /// from long ago, every 89th is stamped far ahead (a skewed clock), and neighbours swap places.
    static let records: [LogRecord] = (0..<2_000).map { index in
        var timestamp = Int64(1_800_000_000_000_000 + index * 1_000 + (index % 3) * 1_700)
        if index % 97 == 0 { timestamp -= 1_500_000 }
        if index % 89 == 0 { timestamp += 2_500_000 }
        if index % 250 == 7 { timestamp = 1_800_000_000_000_000 + 500_000 }  // the same instant, several times
        return LogRecord(
            timestamp: timestamp, service: index % 4 == 0 ? "web" : "api", message: "record \(index)",
            requestID: "req-\(index / 5)"
        )
    }

    /// Every page of `query` through `store`, following the cursor.
    static func allPages(of query: LogQuery, in store: any LogStore) async throws -> [LogPage] {
        var pages: [LogPage] = []
        var query = query
        repeat {
            let page = try await store.search(query)
            pages.append(page)
            query.cursor = page.nextCursor
        } while query.cursor != nil && pages.count < 1_000
        return pages
    }

    static func check(_ store: any LogStore) async throws {
        try await store.append(Self.records)
        let stored = try await store.search(LogQuery(limit: 10_000)).records
        try #require(stored.count == Self.records.count)
        let newestFirst: (LogRecord, LogRecord) -> Bool = { LogRecord.chronological($1, $0) }
        let since = Self.records[600].timestamp
        for countsAll in [true, false] {
            for (base, name) in [(LogQuery(), "all"), (LogQuery(service: "web"), "service"), (LogQuery(since: since), "since")] {
                var query = base
                query.limit = 37
                query.countsAllMatches = countsAll
                let expected = stored.filter { query.matches($0, words: []) }.sorted(by: newestFirst)
                let pages = try await Self.allPages(of: query, in: store)
                let label = "\(name), counting all: \(countsAll)"
                #expect(pages.flatMap(\.records).map(\.id) == expected.map(\.id), "\(label)")
                #expect(pages.dropLast().allSatisfy { $0.records.count == 37 }, "\(label)")
                if countsAll {
                    #expect(pages.allSatisfy { $0.totalCount == expected.count }, "\(label)")
                    #expect(pages.allSatisfy { $0.oldestTimestamp == expected.last?.timestamp }, "\(label)")
                } else {
                    #expect(pages.allSatisfy { $0.totalCount == $0.records.count && $0.oldestTimestamp == nil }, "\(label)")
                }
            }
        }
    }

    @Test func theHotBufferPagesRecordsThatArrivedOutOfOrderNewestFirst() async throws {
        try await Self.check(MemoryLogStore())
    }

    @Test func theSQLiteStorePagesRecordsThatArrivedOutOfOrderNewestFirst() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteLogStore(directory: directory)
            try await Self.check(store)
            try await store.close()
        }
    }
}
