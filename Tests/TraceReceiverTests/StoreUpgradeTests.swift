import Foundation
import Logging
import Testing

@testable import TraceReceiver

/// A store written by an earlier receiver opens in this one with everything it held, searchable as
/// before, and gets this version's schema.
@Suite("SQLite store upgrade")
struct StoreUpgradeTests {
    /// The first version's schema (migration "v1" and nothing after it), with three records, made by
    /// Python's sqlite3 as that receiver left it.
    static let firstVersionStore = #"""
        import sqlite3, sys
        db = sqlite3.connect(sys.argv[1] + "/receiver.sqlite", isolation_level=None)
        db.executescript("""
        PRAGMA journal_mode=WAL;
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
        INSERT INTO grdb_migrations VALUES ('v1');
        CREATE TABLE logs (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, level INTEGER NOT NULL, service TEXT NOT NULL,
            source INTEGER NOT NULL, event TEXT, message TEXT NOT NULL, request_id TEXT, trace_id TEXT, span_id TEXT,
            parent_span_id TEXT, duration_ms REAL, error TEXT, error_type TEXT, stack TEXT, fields TEXT, instance TEXT,
            seq INTEGER, dedup_key INTEGER NOT NULL);
        CREATE INDEX logs_ts ON logs(ts);
        CREATE INDEX logs_request_id ON logs(request_id) WHERE request_id IS NOT NULL;
        CREATE INDEX logs_trace_id ON logs(trace_id) WHERE trace_id IS NOT NULL;
        CREATE INDEX logs_service_ts ON logs(service, ts);
        CREATE INDEX logs_level_ts ON logs(level, ts);
        CREATE VIRTUAL TABLE logs_fts USING fts5(message, error, content='logs', content_rowid='id', tokenize='unicode61');
        """)
        rows = [(1, 1800000000000000, 2, "api", "checkout started", None, "req-1"),
                (2, 1800000001000000, 4, "api", "payment slow", None, "req-1"),
                (3, 1800000002000000, 5, "worker", "checkout failed", "card declined", "req-2")]
        for (id, ts, level, service, message, error, request) in rows:
            db.execute("INSERT INTO logs (id, ts, level, service, source, message, error, request_id, dedup_key) "
                       "VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)", (id, ts, level, service, message, error, request, id))
            db.execute("INSERT INTO logs_fts (rowid, message, error) VALUES (?, ?, ?)", (id, message, error))
        db.close()
        """#

    /// The schema text of `name` in the store at `directory`, read by Python's sqlite3.
    static func schema(of name: String, in directory: String) async throws -> String {
        let run = try await runPython([
            "-c",
            "import sqlite3, sys; print(sqlite3.connect(sys.argv[1] + '/receiver.sqlite').execute("
                + "'SELECT sql FROM sqlite_master WHERE name = ?', (sys.argv[2],)).fetchone()[0])",
            directory, name,
        ])
        try #require(run.status == 0, "python3: \(run.stderr)")
        return run.stdout
    }

    @Test func aStoreFromTheFirstVersionKeepsItsRecordsAndTheirTextAndLevelSearches() async throws {
        try await withTemporaryDirectory { directory in
            let made = try await runPython(["-c", Self.firstVersionStore, directory])
            try #require(made.status == 0, "python3: \(made.stderr)")

            let store = try SQLiteLogStore(directory: directory)
            #expect(try await store.statistics().records == 3)
            #expect(try await store.search(LogQuery(text: "checkout")).records.map(\.message) == ["checkout failed", "checkout started"])
            #expect(try await store.search(LogQuery(text: "card")).records.map(\.message) == ["checkout failed"], "the error column is searched too")
            #expect(try await store.search(LogQuery(minimumLevel: .warning)).records.map(\.message) == ["checkout failed", "payment slow"])
            #expect(try await store.search(LogQuery(minimumLevel: .error, text: "checkout")).records.map(\.message) == ["checkout failed"])
            let trace = try await store.records(correlatedWith: ["req-1"], selection: .oldest, limit: 10)
            #expect(trace.map(\.message) == ["checkout started", "payment slow"])

            // Records stored after the upgrade are found with the old ones, and removed with them.
            try await store.append([
                LogRecord(timestamp: 1_800_000_003_000_000, level: .error, service: "api", message: "checkout retried", requestID: "req-1")
            ])
            #expect(try await store.search(LogQuery(minimumLevel: .error, text: "checkout")).records.map(\.message) == ["checkout retried", "checkout failed"])
            #expect(try await store.enforceRetention(now: 1_800_000_002_500_000 + SQLiteLogStore.Retention().maximumAge.microseconds) == 3)
            #expect(try await store.search(LogQuery(text: "checkout")).records.map(\.message) == ["checkout retried"])
            try await store.close()

            #expect(try await Self.schema(of: "logs_level_ts", in: directory).contains("WHERE level >= 4"))
            #expect(try await Self.schema(of: "logs_fts", in: directory).contains("columnsize=0"))
            #expect(try await Self.schema(of: "logs_unlinked_frontend_ts", in: directory).contains("request_id IS NULL AND trace_id IS NULL"))
            #expect(try await Self.schema(of: "logs_request_events_ts", in: directory).contains(SQLiteLogStore.requestEventsCondition))
        }
    }
}
