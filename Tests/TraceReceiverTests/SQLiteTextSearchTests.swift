import Foundation
import Logging
import Testing

@testable import TraceReceiver

/// The SQLite store answers a text search in one of two ways: through a temporary table of text hits,
/// or, when the text matches many records, by walking the other conditions' index (or, with none, the
/// timestamp index) in memory. Both must give the same pages, counts and oldest timestamps as each other and as the memory
/// store.
@Suite("SQLite text search")
struct SQLiteTextSearchTests {
    /// 400 records over services a, b and c; "alpha" in two of every three, "beta" in every fifth, with
    /// timestamps shared by runs of three records (so paging must break ties by id).
    static func records() -> [LogRecord] {
        let levels: [Logger.Level] = [.debug, .info, .warning, .error]
        return (0..<400).map { (index: Int) -> LogRecord in
            let service = index % 3 == 0 ? "a" : (index % 7 == 0 ? "c" : "b")
            let first = index % 3 == 2 ? "gamma" : "alpha"
            let second = index % 5 == 0 ? "beta" : "delta"
            return LogRecord(
                timestamp: 1_800_000_000_000_000 + Int64(index / 3) * 1_000_000,
                level: levels[index % levels.count],
                service: service,
                source: index % 11 == 0 ? .capture : .backend,
                message: "\(first) \(second) #\(index)",
                error: index % 13 == 0 ? "Alphabet soup" : nil
            )
        }
    }

    /// Every page of `query` (following cursors), as messages, with the total and oldest timestamp each
    /// page reported.
    static func allPages(_ store: some LogStore, _ query: LogQuery) async throws -> (messages: [String], totals: Set<Int>, oldest: Set<Int64?>) {
        var query = query
        var messages: [String] = []
        var totals: Set<Int> = []
        var oldest: Set<Int64?> = []
        for _ in 0..<200 {
            let page = try await store.search(query)
            messages += page.records.map(\.message)
            totals.insert(page.totalCount)
            oldest.insert(page.oldestTimestamp)
            guard let next = page.nextCursor else { break }
            query.cursor = next
        }
        return (messages, totals, oldest)
    }

    @Test func walkingTheIndexAndJoiningThroughATableGiveTheSamePagesCountsAndOldestMatch() async throws {
        try await withTemporaryDirectory { directory in
            let walking = try SQLiteLogStore(directory: directory + "/walking", retention: .init(), walkingThreshold: 0)
            let joining = try SQLiteLogStore(directory: directory + "/joining", retention: .init(), walkingThreshold: .max)
            let memory = MemoryLogStore()
            for store in [walking, joining, memory] as [any LogStore] {
                try await store.append(Self.records())
            }
            let queries: [LogQuery] = [
                LogQuery(service: "a", text: "alpha", limit: 7),
                LogQuery(service: "b", text: "alpha beta", limit: 4),
                LogQuery(minimumLevel: .warning, text: "alpha", limit: 9),
                LogQuery(source: .capture, text: "alp", limit: 3),
                LogQuery(service: "c", since: 1_800_000_030_000_000, until: 1_800_000_100_000_000, text: "delta", limit: 5),
                LogQuery(service: "a", text: "gamma", limit: 5),  // no hit has service a
                LogQuery(service: "b", text: "alphabet", limit: 2),  // matches in the error only
                // No other condition: the walk goes along the timestamp index.
                LogQuery(text: "alpha", limit: 7),
                LogQuery(text: "beta delta", limit: 5),
                LogQuery(text: "alphabet", limit: 3),
            ]
            for query in queries {
                let expected = try await Self.allPages(memory, query)
                #expect(expected.totals.count == 1 && expected.oldest.count == 1, "the memory store's own pages agree: \(query)")
                for store in [walking, joining] {
                    let pages = try await Self.allPages(store, query)
                    #expect(pages.messages == expected.messages, "\(query)")
                    #expect(pages.totals == expected.totals, "\(query)")
                    #expect(pages.oldest == expected.oldest, "\(query)")
                }
            }
            let alphaInA = Self.records().filter { $0.service == "a" && ($0.message.hasPrefix("alpha") || $0.error != nil) }
            #expect(try await Self.allPages(walking, queries[0]).messages.count == alphaInA.count, "the walk found every match, page by page")
            #expect(try await walking.search(queries[0]).totalCount == alphaInA.count)

            // The request list's kind of search: the first page only, no count; both ways give the same page.
            var firstPage = LogQuery(service: "b", text: "alpha", limit: 6)
            firstPage.countsAllMatches = false
            let walked = try await walking.search(firstPage)
            let joined = try await joining.search(firstPage)
            #expect(walked.records.map(\.message) == joined.records.map(\.message))
            #expect(walked.records.count == 6 && walked.totalCount == 6 && walked.nextCursor == joined.nextCursor)
            try await walking.close()
            try await joining.close()
        }
    }

    /// 300 records, a word in only `matching` of them, a few out of timestamp order.
    static func records(withWordIn matching: Set<Int>) -> [LogRecord] {
        (0..<300).map { index in
            LogRecord(
                timestamp: 1_800_000_000_000_000 + Int64(index) * 1_000 + (index % 50 == 7 ? 400_000 : 0),
                service: "api",
                message: matching.contains(index) ? "ancient cargo #\(index)" : "routine line #\(index)"
            )
        }
    }

    @Test(arguments: [
        ("old matches: the newest-first walk gives up", Set([0, 2, 5, 9])),
        ("new matches: the walk for the oldest one gives up", Set([290, 295, 299, 57])),
    ])
    func aTextSearchWhoseWalkGivesUpGetsTheSamePagesCountAndOldestMatch(_ name: String, matching: Set<Int>) async throws {
        try await withTemporaryDirectory { directory in
            let walking = try SQLiteLogStore(directory: directory, retention: .init(), walkingThreshold: 0)
            let memory = MemoryLogStore()
            for store in [walking, memory] as [any LogStore] {
                try await store.append(Self.records(withWordIn: matching))
            }
            let query = LogQuery(text: "ancient", limit: 3)
            let expected = try await Self.allPages(memory, query)
            #expect(expected.messages.count == matching.count)
            let pages = try await Self.allPages(walking, query)
            #expect(pages.messages == expected.messages, "\(name)")
            #expect(pages.totals == expected.totals, "\(name)")
            #expect(pages.oldest == expected.oldest, "\(name)")
            try await walking.close()
        }
    }
}
