import GRDB
import Testing

@testable import TraceReceiver

/// The SQLite store's reads use the indexes meant for them, so their cost follows what they find rather
/// than what the store holds. SQLite's own `EXPLAIN QUERY PLAN` says which index a statement reads.
@Suite("SQLite store query plans")
struct SQLiteQueryPlanTests {
    /// What SQLite plans for `sql` in the store at `directory`, one step per line.
    static func plan(of sql: String, arguments: StatementArguments, in directory: String) throws -> String {
        let database = try DatabaseQueue(path: directory + "/receiver.sqlite")
        return try database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments)
                .map { $0["detail"] as String? ?? "" }.joined(separator: "\n")
        }
    }

    @Test func aTraceLooksForBrowserReportsWithoutIdsInTheirOwnIndexNotInEveryRecordOfTheWindow() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteLogStore(directory: directory)
            let linked = (0..<50).map { LogRecord(timestamp: Int64($0), service: "api", message: "step \($0)", requestID: "req-\($0)") }
            let unlinked = LogRecord(timestamp: 20, service: "web", source: .frontend, message: "fetch failed")
            try await store.append(linked + [unlinked])
            #expect(try await store.uncorrelatedFrontendRecords(in: 0...49, limit: 10).map(\.message) == ["fetch failed"])
            try await store.close()

            let plan = try Self.plan(of: SQLiteLogStore.unlinkedFrontendQuery, arguments: [0, 49, 10], in: directory)
            #expect(plan.contains("logs_unlinked_frontend_ts"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "read in order from the index, not sorted: \(plan)")
        }
    }

    @Test func theRequestListReadsStartsAndCompletionsFromTheirOwnIndexNotEveryLineOfTheirRequests() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteLogStore(directory: directory)
            let lines = (0..<60).map { index in
                LogRecord(
                    timestamp: Int64(index), service: "api", event: index % 10 == 9 ? "request_completed" : nil,
                    message: "line \(index)", requestID: "req-\(index / 10)"
                )
            }
            try await store.append(lines)
            let scan = LogQuery(events: RecentRequest.hopEvents, limit: 3)
            #expect(try await store.search(scan).records.map(\.message) == ["line 59", "line 49", "line 39"])
            try await store.close()

            let filter = SQLiteLogStore.filter(for: scan)
            #expect(filter.conditions == [SQLiteLogStore.requestEventsCondition] && filter.arguments.isEmpty)
            let plan = try Self.plan(
                of: "SELECT id FROM logs \(filter.whereClause) ORDER BY ts DESC, id DESC LIMIT ?", arguments: [3], in: directory
            )
            #expect(plan.contains("logs_request_events_ts"), "\(plan)")
            #expect(!plan.contains("TEMP B-TREE"), "read in order from the index, not sorted: \(plan)")
        }
    }
}
